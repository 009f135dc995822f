package io.github.bilevel.bench;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.cli.spi.VersionProvider;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code bilevel bench}: named workloads timed the same way every time (warm-up, then repeated runs; median and
 * spread), with peak native memory of the engine and heap in use.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Time named workloads: hypergradient (W1), meta-learning (W2), scaling (W3), overhead (W4), "
                + "horizon (W5).")
final class BenchCommand implements Callable<Integer> {
    static final List<String> WORKLOADS = List.of("hypergradient", "meta-learning", "scaling", "overhead",
            "horizon");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "WORKLOAD", description = "hypergradient, meta-learning, scaling, "
            + "overhead or horizon (default: all).")
    List<String> workloads = new ArrayList<>();

    @Option(names = "--backend", description = "Backend id (default: property, environment, or priority).")
    String backend;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed runs after warm-up (default 5).")
    int repeats;

    @Option(names = "--threads", defaultValue = "1", description = "Compute threads (default 1; 0: all cores).")
    int threads;

    @Option(names = "--intra-op-threads", defaultValue = "-1", description = "Threads each kernel may use (default: "
            + "--threads); tasks of a meta-batch run --threads at a time either way.")
    int intraOpThreads;

    @Option(names = "--horizons", split = ",", defaultValue = "250,500,1000,2000,4000",
            description = "W5's inner horizons T, ascending (default 250,500,1000,2000,4000).")
    int[] horizons;

    @Option(names = "--horizon-strategy", defaultValue = "reverse", description = "W5's hypergradient strategy "
            + "(default reverse; forward differentiates 50 tangents per step).")
    String horizonStrategy;

    @Option(names = "--horizon-compile", defaultValue = "on", description = "W5 in compiled regions (on, the "
            + "default) or eagerly (off).")
    String horizonCompile;

    @Option(names = "--json", description = "Print one JSON object per measurement instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<String> chosen = workloads.isEmpty() ? WORKLOADS : workloads;
        for (String w : chosen) {
            if (!WORKLOADS.contains(w)) {
                throw new InvalidInputException("Unknown workload '" + w + "'. Workloads: " + WORKLOADS);
            }
        }
        if (!horizonCompile.equals("on") && !horizonCompile.equals("off")) {
            throw new InvalidInputException("--horizon-compile must be on or off, got '" + horizonCompile + "'");
        }
        if (horizons.length == 0 || Arrays.stream(horizons).anyMatch(t -> t < 1)) {
            throw new InvalidInputException("--horizons must list inner step counts >= 1, got "
                    + Arrays.toString(horizons));
        }
        if (repeats < 1) {
            throw new InvalidInputException("--repeats must be >= 1, got " + repeats);
        }
        PrintWriter out = spec.commandLine().getOut();
        Report report = new Report(out, json);
        Measurement m = new Measurement(repeats);
        try (BilevelRuntime rt = BilevelRuntime.builder().backend(backend).dtype(DType.FLOAT32).threads(intraOp())
                .build()) {
            if (!json) {
                out.printf("backend %s, float32, %d thread(s), %d timed runs after warm-up; %s%n", rt.backendId(),
                        threads, repeats, System.getProperty("os.arch") + ", "
                                + Runtime.getRuntime().availableProcessors() + " processors");
                out.flush();
            }
            for (String w : chosen) {
                List<Row> measured = switch (w) {
                    case "overhead" -> Overhead.run(m, rt);
                    case "hypergradient" -> Hypergradient.run(m, rt);
                    case "meta-learning" -> MetaLearning.run(m, rt, threads);
                    case "horizon" -> Horizon.run(m, backend, intraOp(), horizons, horizonStrategy, horizonCompile);
                    default -> Scaling.run(m, rt);
                };
                for (Row r : measured) {
                    report.print(r);
                }
            }
        }
        return 0;
    }

    private int intraOp() {
        return intraOpThreads < 0 ? threads : intraOpThreads;
    }
}
