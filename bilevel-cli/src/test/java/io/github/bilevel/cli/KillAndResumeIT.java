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
 * Kills {@code ./bilevel run} with SIGKILL at seeded points of a small run, resumes each, and checks that the final
 * hyperparameters and outer-optimizer state equal those of an uninterrupted run, bit for bit.
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

    private static List<String> runIn(Path dir) {
        List<String> args = new ArrayList<>(List.of(RUN));
        args.addAll(List.of("--out", dir.toString()));
        return args;
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
    void killedAtTenSeededPointsAndResumedEndsWhereAnUninterruptedRunEnds(@TempDir Path tmp) throws Exception {
        Path reference = tmp.resolve("uninterrupted");
        finish(start(tmp.resolve("uninterrupted.log"), runIn(reference)), tmp.resolve("uninterrupted.log"));
        JsonNode expected = JSON.readTree(reference.resolve("checkpoint-outer.json").toFile());
        assertEquals(ITERATIONS, expected.get("completed").asInt());

        Random rng = new Random(20261125L);
        TreeSet<Integer> points = new TreeSet<>();
        while (points.size() < 10) {
            points.add(2 + rng.nextInt(ITERATIONS - 5)); // iterations 2..36
        }
        for (int point : points) {
            Path dir = tmp.resolve("killed-at-" + point);
            Path checkpoint = dir.resolve("checkpoint-outer.json");
            Path log = tmp.resolve("killed-at-" + point + ".log");
            Process p = start(log, runIn(dir));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (completed(checkpoint) < point && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
            int at = completed(checkpoint);
            assertTrue(at >= point && at < ITERATIONS, "kill point " + point + ": checkpoint after iteration " + at
                    + " is not in the middle of the run; log: " + Files.readString(log));

            Path resumeLog = tmp.resolve("resumed-" + point + ".log");
            String out = finish(start(resumeLog, List.of("run", "--resume", dir.toString(), "--threads", "1")),
                    resumeLog);
            assertTrue(out.contains("continuing outer after outer iteration " + at), out);
            JsonNode actual = JSON.readTree(checkpoint.toFile());
            assertEquals(expected.get("values"), actual.get("values"), "hyperparameters after resuming at " + at);
            assertEquals(expected.get("optimizer"), actual.get("optimizer"), "Adam state after resuming at " + at);
            assertEquals(ITERATIONS, JSON.readTree(dir.resolve("results.json").toFile()).path("config")
                    .path("iterations").asInt());
            assertEquals(Files.readAllLines(reference.resolve("history.csv")).size(),
                    Files.readAllLines(dir.resolve("history.csv")).size(), "history rows restored");
        }
    }
}
