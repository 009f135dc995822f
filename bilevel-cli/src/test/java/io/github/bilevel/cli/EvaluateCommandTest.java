package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bilevel evaluate} on the model a tiny omniglot run saved (reference backend, in this JVM). */
class EvaluateCommandTest {
    @TempDir
    static Path tmp;

    /** One tiny run per experiment, shared by the tests. */
    private static final java.util.Map<String, Path> RUNS = new java.util.concurrent.ConcurrentHashMap<>();

    private static final List<String> TINY = List.of("--backend", "reference", "--threads", "1", "--progress", "none",
            "--ways", "3", "--shots", "1", "--queries", "2", "--T", "2", "--meta-batch", "1", "--iterations", "3",
            "--filters", "4", "--layers", "2", "--validate-every", "1", "--validation-episodes", "4",
            "--test-episodes", "6");

    private static Path run(String experiment) {
        return RUNS.computeIfAbsent(experiment, EvaluateCommandTest::newRun);
    }

    private static Path newRun(String experiment) {
        Path out = tmp.resolve(experiment);
        List<String> args = new java.util.ArrayList<>(List.of("run", experiment, "--out", out.toString()));
        args.addAll(TINY);
        InProcess r = InProcess.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("model.json"), r.out());
        return out;
    }

    /** The JSON line evaluate prints last. */
    private static JsonNode evaluated(InProcess r) throws Exception {
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    @Test
    void aSavedModelReproducesTheRunsMetaTestBitForBit() throws Exception {
        for (String experiment : List.of("omniglot", "omniglot-maml")) {
            Path out = run(experiment);
            JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
            JsonNode again = evaluated(InProcess.run("evaluate", out.toString(), "--progress", "none"));
            for (String key : List.of("test_accuracy", "ci95", "test_accuracy_authors_protocol",
                    "ci95_authors_protocol")) {
                assertEquals(Double.doubleToLongBits(results.get(key).asDouble()),
                        Double.doubleToLongBits(again.get(key).asDouble()), experiment + " " + key + ": run "
                                + results.get(key) + ", evaluate " + again.get(key));
            }
            assertEquals(results.get("test_T").asInt(), again.get("test_T").asInt());
            JsonNode other = evaluated(InProcess.run("evaluate", out.resolve("model.json").toString(), "--seed", "5",
                    "--episodes", "3", "--progress", "none"));
            assertEquals(3, other.get("episodes").asInt());
            assertEquals(5, other.get("episode_seed").asInt());
        }
    }

    @Test
    void aTruncatedOrChangedModelFileIsOneLineAndExitTwo() throws Exception {
        Path file = run("omniglot").resolve("model.json");
        byte[] all = Files.readAllBytes(file);
        Path cut = tmp.resolve("cut.json");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 100));
        InProcess r = InProcess.run("evaluate", cut.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(cut + ": not a readable model file"), r.err());

        String text = Files.readString(file);
        int at = text.indexOf("\"values\"");
        int digit = at + text.substring(at).indexOf('7');
        Path changed = tmp.resolve("changed.json");
        Files.writeString(changed, text.substring(0, digit) + "8" + text.substring(digit + 1));
        r = InProcess.run("evaluate", changed.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("bilevel: " + changed + ": checksum does not match the content (the file was changed or damaged)",
                r.err().strip());
    }
}
