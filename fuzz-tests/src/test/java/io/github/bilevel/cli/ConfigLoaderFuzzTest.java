package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.plugin.ho.HyperCleaning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the configuration parser: each input is loaded as a YAML file, as a JSON file (with {@code --quick}), and
 * as {@code --set key=value} arguments (each line alone, then all lines), for the hyper-cleaning experiment and for a
 * small experiment with one option of each kind. Bad input must fail with an {@link IllegalArgumentException} that
 * has a message (the command line maps it to exit code 2); any other exception is a finding, and so is an accepted
 * configuration whose values do not match their options.
 */
class ConfigLoaderFuzzTest {
    private static final List<Experiment> EXPERIMENTS = List.of(new HyperCleaning(), new Probe());

    @TempDir
    static Path dir;

    @Timeout(10)
    @DictionaryEntries({
        // keys of the two experiments
        "train", "validation", "corrupted", "T", "iterations", "inner_lr", "outer_lr", "R", "initial_weight",
        "retrain_steps", "eval_every", "strategy", "store", "steps", "rate", "mode", "verbose",
        // YAML and JSON syntax
        ": ", "- ", "---", "...", "&a ", "*a", "<<: ", "!!binary ", "!!int ", "!!float ", "!!str ", "!!map", "? ",
        "|", ">", "#", "{", "}", "[", "]", "\"", "'", "~", "null", "true", "false", "yes", ".inf", "-.inf", ".nan",
        "0x", "0o", "1e309", "2147483648", "1_000", "=", "\\u"})
    @FuzzTest
    void load(byte[] input) throws IOException {
        // one experiment reads the input as YAML, the other as JSON; the length's parity swaps them
        Experiment first = EXPERIMENTS.get(input.length % 2);
        Experiment second = EXPERIMENTS.get(1 - input.length % 2);
        Path yaml = write("config.yaml", input);
        try {
            check(first, () -> ConfigLoader.load(first, false, yaml, Map.of()));
        } finally {
            Files.delete(yaml);
        }
        Path json = write("config.json", input);
        try {
            check(second, () -> ConfigLoader.load(second, true, json, Map.of()));
        } finally {
            Files.delete(json);
        }
        // every line as one --set, then all lines together (one line without '=' rejects them all)
        List<String> lines = new String(input, StandardCharsets.UTF_8).lines().toList();
        for (Experiment e : EXPERIMENTS) {
            for (String line : lines) {
                check(e, () -> ConfigLoader.load(e, false, null, ConfigLoader.parseSets(List.of(line))));
            }
            check(e, () -> ConfigLoader.load(e, false, null, ConfigLoader.parseSets(lines)));
        }
    }

    /** A new file each time: truncating and rewriting one file costs milliseconds on some file systems. */
    private static Path write(String name, byte[] input) throws IOException {
        return Files.write(dir.resolve(name), input, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Runs one load: either a configuration that satisfies every option, or an IllegalArgumentException. */
    private static void check(Experiment experiment, Callable<Config> load) {
        Config config;
        try {
            config = load.call();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("rejected without a message", e);
            }
            return;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("bad configuration input must give IllegalArgumentException", e);
        }
        Map<String, Object> values = config.asMap();
        assertEquals(experiment.options().size(), values.size(), "keys of " + values);
        for (ConfigOption o : experiment.options()) {
            Object v = values.get(o.key());
            switch (o.type()) {
                case INT -> {
                    assertTrue(v instanceof Integer, o.key() + " = " + v);
                    int i = (Integer) v;
                    assertTrue(i >= o.min() && i <= o.max(), o.key() + " = " + i);
                }
                case DOUBLE -> {
                    assertTrue(v instanceof Double, o.key() + " = " + v);
                    double d = (Double) v;
                    assertTrue(Double.isFinite(d) && d >= o.min() && d <= o.max(), o.key() + " = " + d);
                }
                case BOOLEAN -> assertTrue(v instanceof Boolean, o.key() + " = " + v);
                case STRING -> assertTrue(v instanceof String, o.key() + " = " + v);
            }
        }
    }

    /** An experiment with one option of each kind; it is only configured, never run. */
    static final class Probe implements Experiment {
        @Override
        public String id() {
            return "probe";
        }

        @Override
        public String description() {
            return "configuration only";
        }

        @Override
        public List<ConfigOption> options() {
            return List.of(
                    ConfigOption.integer("steps", 10, 1, 1000, "an integer"),
                    ConfigOption.number("rate", 0.5, 0, 1, "a number"),
                    ConfigOption.text("mode", "fast", "a string"),
                    ConfigOption.flag("verbose", false, "a flag"));
        }

        @Override
        public Map<String, Object> quickOverrides() {
            return Map.of("steps", 2, "verbose", true);
        }

        @Override
        public ExperimentResult run(ExperimentContext context) {
            throw new UnsupportedOperationException("configuration only");
        }
    }
}
