package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code ./bilevel run} with SIGKILL at seeded points of a small run, resuming after each kill, and checks that
 * the final hyperparameters and outer-optimizer state equal those of an uninterrupted run, bit for bit, and so do
 * results.json and history.csv but for their timing fields ({@code seconds}): on TensorFlow killed at ten points, on
 * ND4J at three. While
 * each run is alive, history.csv holds a row per finished outer iteration and run.log the run's lines so far.
 */
class KillAndResumeIT {
    private static final int ITERATIONS = 40;
    private static final String[] RUN = {"run", "hyper-cleaning", "--threads", "1", "--checkpoint-every", "1",
        "--set", "train=200", "--set", "validation=200", "--set", "corrupted=100", "--set", "T=10",
        "--set", "iterations=" + ITERATIONS, "--set", "R=100", "--set", "retrain_steps=20", "--set", "eval_every=5"};
    private static final Pattern COMPLETED = Pattern.compile("\"completed\":(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Process start(Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("bilevel.launcher")).toAbsolutePath().normalize().toString());
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "run did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static List<String> runIn(Path dir, String backend) {
        List<String> args = new ArrayList<>(List.of(RUN));
        args.addAll(List.of("--backend", backend, "--out", dir.toString()));
        return args;
    }

    /** results.json without its wall-clock field ({@code seconds}). */
    private static JsonNode resultsWithoutTiming(Path dir) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode results = (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(dir.resolve("results.json").toFile());
        assertTrue(results.remove("seconds") != null, results.toString());
        return results;
    }

    /** The complete lines of a file another process may be appending to. */
    private static List<String> completeLines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1); // after the last newline: empty, or a line being written
        return lines;
    }

    /** history.csv without its timing column ({@code seconds}). */
    private static List<String> withoutTiming(Path history) throws IOException {
        List<String> lines = Files.readAllLines(history);
        int seconds = List.of(lines.get(0).split(",", -1)).indexOf("seconds");
        assertTrue(seconds >= 0, lines.get(0));
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            cells.remove(seconds);
            out.add(String.join(",", cells));
        }
        return out;
    }

    private static int completed(Path checkpoint) {
        try {
            Matcher m = COMPLETED.matcher(Files.readString(checkpoint));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1; // not written yet
        }
    }

    @Test
    void onTensorFlowKilledAtTenSeededPointsAndResumedEndsWhereAnUninterruptedRunEnds(@TempDir Path tmp)
            throws Exception {
        killAndResume(tmp, "tensorflow", 10);
    }

    @Test
    void onNd4jKilledAtThreeSeededPointsAndResumedEndsWhereAnUninterruptedRunEnds(@TempDir Path tmp)
            throws Exception {
        killAndResume(tmp, "nd4j", 3);
    }

    private static List<String> resume(Path dir) {
        return List.of("run", "--resume", dir.toString(), "--threads", "1");
    }

    /**
     * One run killed at each seeded point in turn: started, killed at the first point, resumed and killed at the
     * next, and so on; the last piece runs to the end. Each piece is checked while alive, the end result once.
     */
    private static void killAndResume(Path tmp, String backend, int kills) throws Exception {
        Path reference = tmp.resolve("uninterrupted");
        finish(start(tmp.resolve("uninterrupted.log"), runIn(reference, backend)), tmp.resolve("uninterrupted.log"));
        JsonNode expected = JSON.readTree(reference.resolve("checkpoint-outer.json").toFile());
        assertEquals(ITERATIONS, expected.get("completed").asInt());
        assertEquals(backend, JSON.readTree(reference.resolve("results.json").toFile()).path("backend").asText());

        Random rng = new Random(20261125L);
        TreeSet<Integer> points = new TreeSet<>();
        while (points.size() < kills) {
            points.add(2 + rng.nextInt(ITERATIONS - 5)); // iterations 2..36
        }
        Path dir = tmp.resolve("killed");
        Path checkpoint = dir.resolve("checkpoint-outer.json");
        List<Integer> resumedAt = new ArrayList<>();
        int at = 0;
        for (int point : points) {
            int target = Math.max(point, at + 1); // a later point than the last kill's checkpoint
            Path log = tmp.resolve("killed-at-" + target + ".log");
            Process p = start(log, at == 0 ? runIn(dir, backend) : resume(dir));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (completed(checkpoint) < target && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // While the run goes on: a row per finished iteration (rows are written before their checkpoint), and
            // run.log with the run's start and its checkpoints so far (the line of a checkpoint follows its file: an
            // earlier piece's last one may be missing, so only this piece's are looked for).
            int seen = completed(checkpoint);
            List<String> live = completeLines(dir.resolve("history.csv"));
            String liveLog = Files.readString(dir.resolve(RunLog.FILE));
            assertTrue(p.isAlive(), "the run ended before it was read; log: " + Files.readString(log));
            assertTrue(live.size() - 1 >= seen, "history.csv holds " + (live.size() - 1) + " rows after checkpoint "
                    + seen + ": " + live);
            for (int i = 1; i < live.size(); i++) {
                assertTrue(live.get(i).startsWith((i - 1) + ","), "row " + (i - 1) + ": " + live);
            }
            assertTrue(liveLog.contains("hyper-cleaning on ") && liveLog.contains("start: outer iterations")
                    && (seen - 2 < at || liveLog.contains("checkpoint after outer iteration " + (seen - 2) + "\n")),
                    liveLog);
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
            if (at > 0) {
                String out = Files.readString(log);
                assertTrue(out.contains("continuing outer after outer iteration " + (at - 1)), out);
            }
            at = completed(checkpoint);
            assertTrue(at >= target && at < ITERATIONS, "kill point " + target + ": checkpoint after iteration " + at
                    + " is not in the middle of the run; log: " + Files.readString(log));
            resumedAt.add(at);
        }

        Path resumeLog = tmp.resolve("resumed-to-the-end.log");
        String out = finish(start(resumeLog, resume(dir)), resumeLog);
        assertTrue(out.contains("continuing outer after outer iteration " + (at - 1)), out);
        JsonNode actual = JSON.readTree(checkpoint.toFile());
        assertEquals(expected.get("values"), actual.get("values"), "hyperparameters after resuming at " + resumedAt);
        assertEquals(expected.get("optimizer"), actual.get("optimizer"), "Adam state after resuming at " + resumedAt);
        assertEquals(ITERATIONS, JSON.readTree(dir.resolve("results.json").toFile()).path("config")
                .path("iterations").asInt());
        assertEquals(withoutTiming(reference.resolve("history.csv")), withoutTiming(dir.resolve("history.csv")),
                "history.csv after resuming at " + resumedAt);
        assertEquals(resultsWithoutTiming(reference), resultsWithoutTiming(dir), "results.json after resuming at "
                + resumedAt);
        String runLog = Files.readString(dir.resolve(RunLog.FILE));
        for (int k : resumedAt) {
            assertTrue(runLog.contains("continuing outer after outer iteration " + (k - 1)), runLog);
        }
        assertTrue(runLog.contains("resuming hyper-cleaning") && runLog.contains("done in "), runLog);
    }
}
