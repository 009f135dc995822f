package io.github.bilevel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./bilevel} launcher with Spark on its class path: runs and searches on a local[2] master. */
class LauncherSparkIT {
    @TempDir
    Path dir;

    private String run(int expectedExit, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("bilevel.launcher")).toAbsolutePath().normalize().toString());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "launcher", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "launcher did not finish");
        String out = Files.readString(log);
        assertEquals(expectedExit, p.exitValue(), out);
        return out;
    }

    private static final String[] SMALL = {"--quick", "--set", "iterations=4", "--set", "validate_every=2", "--set",
        "validation_episodes=5", "--set", "test_episodes=10", "--set", "filters=8"};

    private static String[] with(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(SMALL));
        return all.toArray(String[]::new);
    }

    @Test
    void aSearchOfFourTrialsOnLocalSparkPicksTheLowestValidationObjectiveAndItsTrialsResume() throws Exception {
        Path out = dir.resolve("search");
        String printed = run(0, with("search", "omniglot", "--executor", "spark", "--master", "local[2]", "--vary",
                "outer_lr=0.001,0.01", "--trials", "4", "--out", out.toString()));
        ObjectMapper json = new ObjectMapper();
        // the best trial, read from each trial's own results.json
        int best = -1;
        double lowest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 4; i++) {
            double v = json.readTree(out.resolve("trial-" + i).resolve("results.json").toFile())
                    .get("validation_objective").asDouble();
            if (v < lowest) {
                lowest = v;
                best = i;
            }
        }
        JsonNode summary = json.readTree(out.resolve("search.json").toFile());
        assertEquals(best, summary.get("best").asInt(), summary.toString());
        assertEquals(4, summary.get("trials").size());
        assertTrue(printed.contains("best: trial " + best + " "), printed);
        // trials 2 and 3 repeat the grid with the next seed
        assertEquals(1, summary.get("trials").get(3).get("seed").asInt());
        String resumed = run(0, "run", "--resume", out.resolve("trial-" + best).toString(), "--progress", "none");
        assertTrue(resumed.contains("resuming omniglot"), resumed);
    }

    /** The pure-Java backend in float64: the same bits; TensorFlow in float32: within rtol 1e-5. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"reference, float64, 0", "tensorflow, float32, 1e-5"})
    void aRunOnLocalSparkEndsWithTheLocalRunsValues(String backend, String dtype, double rtol) throws Exception {
        Path local = dir.resolve("local");
        Path spark = dir.resolve("spark");
        String[] common = {"--backend", backend, "--dtype", dtype, "--set", "meta_batch=3", "--set",
            "iterations=6", "--progress", "none"};
        List<String> a = new ArrayList<>(List.of(with("run", "omniglot", "--out", local.toString())));
        a.addAll(List.of(common));
        List<String> b = new ArrayList<>(List.of(with("run", "omniglot", "--out", spark.toString(), "--executor",
                "spark", "--master", "local[2]")));
        b.addAll(List.of(common));
        run(0, a.toArray(String[]::new));
        String printed = run(0, b.toArray(String[]::new));
        assertTrue(printed.contains("tasks on spark (local[2])"), printed);
        JsonNode x = new ObjectMapper().readTree(local.resolve("checkpoint-outer.json").toFile()).get("values");
        JsonNode y = new ObjectMapper().readTree(spark.resolve("checkpoint-outer.json").toFile()).get("values");
        assertEquals(6, new ObjectMapper().readTree(spark.resolve("checkpoint-outer.json").toFile())
                .get("completed").asInt());
        for (Iterator<Map.Entry<String, JsonNode>> it = x.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (rtol == 0) {
                assertEquals(e.getValue(), y.get(e.getKey()), e.getKey()); // shortest exact decimals: equal bits
                continue;
            }
            JsonNode expected = e.getValue();
            JsonNode actual = y.get(e.getKey());
            assertEquals(expected.size(), actual.size(), e.getKey());
            for (int i = 0; i < expected.size(); i++) {
                double u = expected.get(i).asDouble();
                double v = actual.get(i).asDouble();
                assertTrue(Math.abs(u - v) <= rtol * Math.max(Math.abs(u), Math.abs(v)) + 1e-12,
                        e.getKey() + "[" + i + "]: " + u + " against " + v);
            }
        }
    }

    @Test
    void executorMistakesAreOneLine() throws Exception {
        String unknown = run(2, "run", "omniglot", "--executor", "sprak", "--quick");
        assertTrue(unknown.contains("Unknown task executor 'sprak'"), unknown);
        assertEquals(1, unknown.strip().lines().count(), unknown);
        String master = run(2, "run", "omniglot", "--master", "local[2]", "--quick");
        assertTrue(master.contains("--master is for --executor spark"), master);
    }
}
