package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunOptions;

/**
 * Where the time of TensorFlow's session runs goes, by op type: with the system property
 * {@value #PROPERTY} naming a file, every run (one-kernel graphs and compiled graphs) is traced by TensorFlow and, when
 * the JVM exits, the file gets one line per op type (runs, total milliseconds, share) plus the runs' wall time outside
 * the ops (feeding, scheduling, fetching). Op types are TensorFlow's after its graph optimizer (fused or oneDNN ops
 * appear under their own names). Tracing slows each run; the shares, not the times, are what it measures.
 */
final class RunProfile {
    static final String PROPERTY = "bilevel.tensorflow.profile";

    private static final RunOptions TRACE = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
            .build();
    private static final RunProfile PROCESS = fromProperty();

    private final Path file; // where the report goes at exit; null for a test's profile
    private final Map<String, long[]> byType = new HashMap<>(); // op type -> {count, nanos}
    private long runs;
    private long runNanos;

    private RunProfile(Path file) {
        this.file = file;
    }

    private static RunProfile fromProperty() {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            return null;
        }
        RunProfile p = new RunProfile(Path.of(file));
        Runtime.getRuntime().addShutdownHook(new Thread(p::writeQuietly, "tensorflow-profile"));
        return p;
    }

    /**
     * Fails when the process profiles into a file it cannot write, before any work: at exit, the report would be lost
     * with nobody told. Called when the provider creates a backend.
     */
    static void checkWritable() {
        if (PROCESS != null) {
            try {
                Files.write(PROCESS.file, List.of("(written when the JVM exits)"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                String why = e instanceof java.nio.file.NoSuchFileException ? "its folder does not exist"
                        : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
                throw new InvalidInputException("-D" + PROPERTY + "=" + PROCESS.file + ": cannot write the "
                        + "profile there (" + why + "); name a file that can be written", e);
            }
        }
    }

    /** Runs {@code runner}, traced when the process profiles. */
    static Result run(Session.Runner runner) {
        return PROCESS == null ? runner.run() : PROCESS.traced(runner);
    }

    /** A profile of its own, for tests. */
    static RunProfile create() {
        return new RunProfile(null);
    }

    Result traced(Session.Runner runner) {
        long start = System.nanoTime();
        Result r = runner.setOptions(TRACE).runAndFetchMetadata();
        long wall = System.nanoTime() - start;
        synchronized (this) {
            runs++;
            runNanos += wall;
            r.getMetadata().ifPresent(m -> {
                for (DeviceStepStats d : m.getStepStats().getDevStatsList()) {
                    for (NodeExecStats n : d.getNodeStatsList()) {
                        long[] a = byType.computeIfAbsent(opType(n), k -> new long[2]);
                        a[0]++;
                        a[1] += n.getAllEndRelNanos() > 0 ? n.getAllEndRelNanos() : 1000 * n.getAllEndRelMicros();
                    }
                }
            });
        }
        return r;
    }

    /** The op type from TensorFlow's timeline label, {@code "name = Type(inputs)"}; the node name without one. */
    static String opType(NodeExecStats n) {
        String label = n.getTimelineLabel();
        int eq = label.indexOf(" = ");
        int paren = label.indexOf('(', eq + 3);
        if (eq >= 0 && paren > eq) {
            return label.substring(eq + 3, paren);
        }
        return n.getNodeName();
    }

    /** The report: op types by total time, then the time of the runs outside the ops. */
    synchronized List<String> lines() {
        long ops = byType.values().stream().mapToLong(a -> a[1]).sum();
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%-32s %10s %12s %7s", "op type", "count", "total ms", "share"));
        byType.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).forEach(e ->
                out.add(String.format(Locale.ROOT, "%-32s %10d %12.1f %6.1f%%", e.getKey(), e.getValue()[0],
                        e.getValue()[1] / 1e6, 100.0 * e.getValue()[1] / Math.max(1, ops))));
        out.add(String.format(Locale.ROOT, "%d session runs, %.1f ms of wall time, %.1f ms of it in ops (%.1f%%)",
                runs, runNanos / 1e6, ops / 1e6, 100.0 * ops / Math.max(1, runNanos)));
        return out;
    }

    private void writeQuietly() {
        try {
            Files.write(file, lines(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // A backend depends on the API and its library only, and only the CLI writes to the console.
            System.getLogger(RunProfile.class.getName()).log(System.Logger.Level.WARNING,
                    "Could not write the TensorFlow profile to " + file + ": " + e.getMessage());
        }
    }
}
