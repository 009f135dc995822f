package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bilevel run}: bad input ends with one line and exit code 2; a small run writes every output. */
class RunCommandTest {

    private static InProcess run(String... args) {
        return InProcess.run(args);
    }

    /** Exit code 2 and exactly one line on standard error, containing {@code expected}, without a stack trace. */
    private static void assertInputError(InProcess o, String expected) {
        assertEquals(2, o.code(), o.err());
        List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line expected: " + o.err());
        assertTrue(lines.get(0).startsWith("bilevel: ") && lines.get(0).contains(expected), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
    }

    @Test
    void missingDataDirectory(@TempDir Path tmp) {
        assertInputError(run("run", "hyper-cleaning", "--data-dir", tmp.resolve("absent").toString(), "--out",
                tmp.resolve("o").toString()), "does not exist");
    }

    private static byte[] idxImages(int magic, int count, int bodyBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        d.writeInt(count);
        d.writeInt(28);
        d.writeInt(28);
        d.write(new byte[bodyBytes]);
        return b.toByteArray();
    }

    @Test
    void truncatedIdxFile(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("train-images-idx3-ubyte"), idxImages(2051, 100, 784 * 10));
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 100});
        assertInputError(run("run", "hyper-cleaning", "--data-dir", tmp.toString(), "--out",
                tmp.resolve("o").toString()), "truncated");
    }

    @Test
    void wrongMagicIdxFile(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("train-images-idx3-ubyte"), idxImages(1234, 1, 784));
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 3});
        assertInputError(run("run", "hyper-cleaning", "--data-dir", tmp.toString(), "--out",
                tmp.resolve("o").toString()), "magic 1234");
    }

    @Test
    void unknownConfigKey(@TempDir Path tmp) throws IOException {
        Path config = tmp.resolve("c.yaml");
        Files.writeString(config, "T: 10\nfoo: 3\n");
        assertInputError(run("run", "hyper-cleaning", "--config", config.toString()), "Unknown config key 'foo'");
    }

    @Test
    void settingsAsOptionsAreValidatedLikeSet() {
        assertInputError(run("run", "hyper-cleaning", "--T", "-5"), "Config 'T' = -5 is out of range");
        assertInputError(run("run", "hyper-cleaning", "--retrain-steps=-1"), "Config 'retrain_steps' = -1");
        assertInputError(run("run", "hyper-cleaning", "--bogus", "3"), "Unknown config key 'bogus'");
        assertInputError(run("run", "hyper-cleaning", "--T"), "Option --T needs a value");
        assertInputError(run("run", "hyper-cleaning", "stray"), "Unexpected argument 'stray'");
    }

    @Test
    void settingOptionsBecomeKeyValuePairs() {
        assertEquals(List.of("meta_batch=8", "T=3", "outer_lr=0.01"), ConfigLoader.settingOptions(
                List.of("--meta-batch", "8", "--T=3", "--outer-lr=0.01")));
    }

    @Test
    void configFileThatIsNotUtf8(@TempDir Path tmp) throws IOException {
        Path config = tmp.resolve("c.yaml");
        Files.write(config, new byte[] {'T', ':', ' ', (byte) 0xff, '\n'});
        assertInputError(run("run", "hyper-cleaning", "--config", config.toString()), "is not UTF-8 text");
    }

    @Test
    void aNewRunRefusesAFolderThatHoldsAnotherRun(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("run.json"), "{}");
        assertInputError(run("run", "hyper-cleaning", "--out", tmp.toString()), "already holds a run");
    }

    @Test
    void theNonFinitePolicyIsSavedWithTheRunAndKeptOnResume(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        InProcess o = run("run", "digits-tuning", "--quick", "--set", "iterations=2", "--set", "T=3", "--on-nan", "skip",
                "--out", out.toString());
        assertEquals(0, o.code(), o.err() + o.out());
        assertEquals("skip", new ObjectMapper().readTree(out.resolve("run.json").toFile()).get("on_nan").asText());
        assertInputError(run("run", "--resume", out.toString(), "--on-nan", "stop"),
                "--on-nan cannot be combined with --resume");
    }

    @Test
    void aResumeOnAnotherThreadCountIsRefusedUnlessAllowedAndOtherwiseKeepsTheSavedOne(@TempDir Path tmp)
            throws IOException {
        Path out = tmp.resolve("run");
        InProcess o = run("run", "digits-tuning", "--quick", "--set", "iterations=2", "--set", "T=3", "--threads", "1",
                "--out", out.toString());
        assertEquals(0, o.code(), o.err() + o.out());
        assertEquals(1, new ObjectMapper().readTree(out.resolve("run.json").toFile()).path("provenance")
                .path("threads").asInt());
        String log = Files.readString(out.resolve(RunLog.FILE));
        assertInputError(run("run", "--resume", out.toString(), "--threads", "2"), "The run in " + out
                + " used --threads 1, not 2; resume it with the same backend, dtype and thread count, or add "
                + "--allow-different-compute (results then match an uninterrupted run to a tolerance, not bit for "
                + "bit)");
        assertEquals(log, Files.readString(out.resolve(RunLog.FILE)), "a refused resume leaves the run as it was");

        InProcess allowed = run("run", "--resume", out.toString(), "--threads", "2", "--allow-different-compute");
        assertEquals(0, allowed.code(), allowed.err() + allowed.out());
        assertTrue(allowed.err().contains("warning: resuming with other compute settings than the run started with "
                + "(it used --threads 1, not 2)"), allowed.err());
        assertEquals(2, new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("provenance")
                .path("threads").asInt());

        // without --threads, the saved count, whatever the backend's default on this machine
        InProcess same = run("run", "--resume", out.toString());
        assertEquals(0, same.code(), same.err() + same.out());
        assertEquals(1, new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("provenance")
                .path("threads").asInt());
        assertInputError(run("run", "digits-tuning", "--allow-different-compute"),
                "--allow-different-compute only applies with --resume");
    }

    @Test
    void aResumeOnAnotherBackendOrDtypeIsRefusedUnlessAllowed(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        InProcess o = run("run", "digits-tuning", "--quick", "--set", "iterations=1", "--set", "T=2", "--backend",
                "nd4j", "--out", out.toString());
        assertEquals(0, o.code(), o.err() + o.out());
        assertInputError(run("run", "--resume", out.toString(), "--backend", "tensorflow"), "used --backend nd4j, "
                + "not tensorflow; resume it with the same backend, dtype and thread count");
        assertInputError(run("run", "--resume", out.toString(), "--dtype", "float64"), "used --dtype float32, not "
                + "float64; resume it with the same backend");
        InProcess allowed = run("run", "--resume", out.toString(), "--dtype", "float64", "--allow-different-compute");
        assertEquals(0, allowed.code(), allowed.err() + allowed.out());
        assertEquals("float64", new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("dtype")
                .asText());
    }

    @Test
    void negativeT() {
        assertInputError(run("run", "hyper-cleaning", "--set", "T=-5"), "Config 'T' = -5 is out of range");
    }

    @Test
    void nanLearningRate(@TempDir Path tmp) throws IOException {
        Path config = tmp.resolve("c.json");
        Files.writeString(config, "{\"inner_lr\": \"NaN\"}");
        assertInputError(run("run", "hyper-cleaning", "--config", config.toString()), "'inner_lr' must be finite");
    }

    @Test
    void unknownBackend(@TempDir Path tmp) {
        assertInputError(run("run", "digits-tuning", "--backend", "foo", "--out", tmp.toString()),
                "Unknown backend 'foo'");
    }

    @Test
    void noOrUnknownExperimentListsTheExperiments() {
        InProcess none = run("run");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("hyper-cleaning") && none.err().contains("digits-tuning"), none.err());
        InProcess unknown = run("run", "nope");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown experiment 'nope'"), unknown.err());
    }

    @Test
    void anOutputFolderThatCannotBeCreatedIsOneLineAndExitCode2(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        InProcess o = run("run", "digits-tuning", "--out", file.resolve("run").toString());
        assertEquals(2, o.code(), o.err());
        List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), o.err());
        assertTrue(lines.get(0).startsWith("bilevel run: cannot create output folder " + file.resolve("run") + ": ")
                && lines.get(0).length() > ("bilevel run: cannot create output folder " + file.resolve("run") + ": ")
                .length(), o.err());
    }

    @Test
    void aFailedStartRemovesWhatItCreatedAndNothingElse(@TempDir Path tmp) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.write(data.resolve("train-images-idx3-ubyte"), idxImages(2051, 100, 784 * 10));
        Files.write(data.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 100});
        Path fresh = tmp.resolve("runs").resolve("a");
        assertInputError(run("run", "hyper-cleaning", "--data-dir", data.toString(), "--out", fresh.toString()),
                "truncated");
        assertFalse(Files.exists(tmp.resolve("runs")), "the folders the run created are gone");
        Path existing = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(existing.resolve("notes.txt"), "kept");
        assertInputError(run("run", "hyper-cleaning", "--data-dir", data.toString(), "--out", existing.toString()),
                "truncated");
        try (var list = Files.list(existing)) {
            assertEquals(List.of(existing.resolve("notes.txt")), list.toList());
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] embeddedDigits() throws IOException {
        try (var in = io.github.bilevel.data.digits.Digits.class.getResourceAsStream(
                "/io/github/bilevel/data/digits/digits.csv.gz")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aResumedRunThatReadsOtherDataSaysSoInOneLine(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        byte[] csv;
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(embeddedDigits()))) {
            csv = in.readAllBytes();
        }
        Files.write(data.resolve("digits.csv"), csv);
        Path out = tmp.resolve("run");
        InProcess first = run("run", "digits-tuning", "--quick", "--set", "iterations=1", "--set", "T=2", "--data-dir",
                data.toString(), "--out", out.toString());
        assertEquals(0, first.code(), first.err() + first.out());
        JsonNode saved = new ObjectMapper().readTree(out.resolve("run.json").toFile()).path("provenance").path("data");
        assertEquals(sha256(csv), saved.path("sha256").asText(), saved.toString());
        InProcess same = run("run", "--resume", out.toString());
        assertEquals(0, same.code(), same.err() + same.out());
        assertFalse(same.err().contains("data differ"), same.err());
        Files.write(data.resolve("digits.csv"), (new String(csv, java.nio.charset.StandardCharsets.US_ASCII)
                + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // the same examples, other bytes
        InProcess other = run("run", "--resume", out.toString());
        assertEquals(0, other.code(), other.err() + other.out());
        List<String> warnings = other.err().lines().filter(l -> l.contains("data differ")).toList();
        assertEquals(1, warnings.size(), other.err());
        assertTrue(warnings.get(0).startsWith("warning: ") && warnings.get(0).contains(saved.path("sha256").asText()),
                warnings.get(0));
        assertTrue(Files.readString(out.resolve(RunLog.FILE)).contains(warnings.get(0)), "run.log has the warning");
    }

    @Test
    void aSmallRunWritesResultsHistoryAndPlots(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        InProcess o = run("run", "digits-tuning", "--quick", "--set", "iterations=3", "--set", "T=5", "--seed", "3",
                "--dtype", "float64", "--out", out.toString());
        assertEquals(0, o.code(), o.err() + o.out());
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        for (String key : List.of("experiment", "seed", "backend", "dtype", "seconds", "config",
                "validation_loss_before", "validation_loss_after", "test_accuracy_before", "test_accuracy_after")) {
            assertTrue(results.has(key), "results.json lacks " + key + ": " + results);
        }
        assertEquals(3, results.get("seed").asInt());
        assertEquals("float64", results.get("dtype").asText());
        assertEquals(5, results.get("config").get("T").asInt());
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(4, history.size(), history.toString());
        assertTrue(history.get(0).startsWith("iteration,outer_objective"));
        assertEquals("iteration,outer_objective,l2_W1,l2_b1,l2_W2,l2_b2,inner_lr,momentum", history.get(0));
        assertTrue(results.path("learned").has("inner_lr") && results.path("learned").has("momentum"),
                results.toString());

        // provenance, in results.json and run.json
        JsonNode p = results.get("provenance");
        assertTrue(p.path("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), p.toString());
        assertTrue(p.path("commit").isNull() || p.path("commit").asText().matches("[0-9a-f]{40,64}"), p.toString());
        assertEquals(System.getProperty("java.vendor"), p.path("java").path("vendor").asText());
        assertEquals(Runtime.version().toString(), p.path("java").path("version").asText());
        assertEquals(results.get("backend").asText(), p.path("backend").asText());
        assertTrue(p.path("backend_library").asText().matches("(ND4J|TensorFlow Java) \\d.*"), p.toString());
        assertEquals("cpu", p.path("device").asText(), p.toString());
        assertTrue(p.path("threads").asInt() >= 1, p.toString());
        assertEquals("embedded UCI digits", p.path("data").path("source").asText(), p.toString());
        try {
            assertEquals(sha256(embeddedDigits()), p.path("data").path("sha256").asText());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(p, new ObjectMapper().readTree(out.resolve("run.json").toFile()).get("provenance"));

        // run.log: the console's lines, phases, checkpoints and the end, timestamped
        List<String> log = Files.readAllLines(out.resolve(RunLog.FILE));
        assertTrue(log.stream().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z .*")), log.toString());
        String text = String.join("\n", log);
        for (String expected : List.of("digits-tuning on ", "start: outer iterations (3 steps)",
                "checkpoint after outer iteration 2", "end: outer iterations (3 steps in ", "validation loss ",
                "results: {\"validation_loss_before\":", "done in ")) {
            assertTrue(text.contains(expected), expected + " missing from run.log:\n" + text);
        }
        for (String line : o.out().lines().filter(l -> !l.isBlank()).toList()) {
            assertTrue(text.contains(line), "console line missing from run.log: " + line);
        }
        for (String png : List.of("outer_objective.png", "hyperparameters.png")) {
            byte[] bytes = Files.readAllBytes(out.resolve(png));
            assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png);
        }
    }

    @Test
    void aTinyHyperCleaningRunReportsAllThreeModelsAndF1(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("hc");
        InProcess o = run("run", "hyper-cleaning", "--set", "train=200", "--set", "validation=200", "--set",
                "corrupted=100", "--set", "R=100", "--set", "T=5", "--set", "iterations=3", "--set", "retrain_steps=20",
                "--set", "eval_every=2", "--out", out.toString());
        assertEquals(0, o.code(), o.err() + o.out());
        JsonNode r = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        for (String key : List.of("test_accuracy", "baseline_test_accuracy", "oracle_test_accuracy", "f1",
                "f1_below_half")) {
            double v = r.get(key).asDouble(-1);
            assertTrue(v >= 0 && v <= 1, key + " = " + r.get(key));
        }
        assertTrue(r.get("weights_sum").asDouble() <= 100 + 1e-6, "Σλ ≤ R: " + r.get("weights_sum"));
        assertEquals(4, Files.readAllLines(out.resolve("history.csv")).size());
        for (String png : List.of("outer_objective.png", "accuracy.png", "weights_histogram.png")) {
            assertTrue(Files.size(out.resolve(png)) > 1000, png);
        }
    }
}
