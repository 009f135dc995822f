package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code bilevel run EXPERIMENT --help} lists each discovered experiment's settings; usage errors are one line. */
class ExperimentHelpTest {

    private static InProcess run(String... args) {
        return InProcess.run(args);
    }

    /** The row of {@code key} in the settings table, split into its columns (the description last). */
    private static String[] row(String help, String key) {
        Optional<String> line = help.lines().filter(l -> l.startsWith("  " + key + " ")).findFirst();
        assertTrue(line.isPresent(), "no row for " + key + " in\n" + help);
        return line.get().strip().split("\\s{2,}", 6);
    }

    private static double number(String cell) {
        return Double.parseDouble(cell);
    }

    @Test
    void everyExperimentListsEverySettingWithDefaultRangeAndQuickValue() {
        Map<String, Experiment> experiments = ExperimentHelp.discovered();
        assertTrue(experiments.keySet().containsAll(List.of("hyper-cleaning", "digits-tuning", "omniglot",
                "omniglot-maml", "miniimagenet", "effect-of-t", "effect-of-t-meta")), experiments.keySet().toString());
        String general = run("run", "--help").out();
        for (Experiment e : experiments.values()) {
            InProcess o = run("run", e.id(), "--help");
            assertEquals(0, o.code(), o.err());
            assertTrue(o.out().contains("Settings of " + e.id() + ": " + e.description()), o.out());
            assertFalse(o.out().equals(general), "the experiment's help is the general one");
            for (ConfigOption opt : e.options()) {
                String[] c = row(o.out(), opt.key());
                assertEquals(opt.type().name().toLowerCase(), c[1], opt.key());
                Object quick = e.quickOverrides().get(opt.key());
                switch (opt.type()) {
                    case INT, DOUBLE -> {
                        assertEquals(((Number) opt.defaultValue()).doubleValue(), number(c[2]), 0, opt.key());
                        assertTrue(c[3].startsWith("[") || c[3].startsWith(">="), opt.key() + ": " + c[3]);
                        String[] bounds = c[3].replaceAll("[\\[\\]>= ]", "").split(",");
                        assertEquals(opt.min(), number(bounds[0]), Math.abs(opt.min()) * 1e-6, opt.key());
                        if (bounds.length > 1) {
                            assertEquals(opt.max(), number(bounds[1]), Math.abs(opt.max()) * 1e-6, opt.key());
                        }
                        if (quick != null) {
                            assertEquals(((Number) quick).doubleValue(), number(c[4]), 0, opt.key());
                        }
                    }
                    case BOOLEAN -> assertEquals("true|false", c[3], opt.key());
                    case STRING -> assertEquals(opt.defaultValue(), c[2], opt.key());
                }
                if (quick == null) {
                    assertEquals("-", c[4], opt.key());
                }
                assertEquals(opt.description(), c[5], opt.key());
            }
        }
    }

    @Test
    void hyperCleaningRowsReadAsWritten() {
        String help = run("run", "hyper-cleaning", "--help").out();
        assertEquals(List.of("T", "int", "100", "[1, 100000]", "50", "inner gradient-descent steps"),
                List.of(row(help, "T")));
        assertEquals(List.of("outer_lr", "double", "0.005", "[1e-12, 1000]", "0.02", "outer Adam learning rate"),
                List.of(row(help, "outer_lr")));
        assertEquals(List.of("strategy", "string", "reverse", "text", "-", "hypergradient strategy id"),
                List.of(row(help, "strategy")));
    }

    @Test
    void runHelpWithoutAnExperimentListsTheExperiments() {
        String help = run("run", "--help").out();
        assertTrue(help.contains("Experiments (bilevel run ID --help lists one's settings):"), help);
        assertTrue(help.lines().anyMatch(l -> l.startsWith("  omniglot ")), help);
        assertTrue(help.contains("--progress"), help);
    }

    @Test
    void aBadNumberIsOneLineAndExit2() {
        InProcess o = run("run", "hyper-cleaning", "--seed", "abc");
        assertEquals(2, o.code());
        assertEquals("bilevel run: --seed: 'abc' is not a whole number; see bilevel run --help", o.err().strip());
        assertEquals("", o.out());
        InProcess p = run("run", "hyper-cleaning", "--progress", "fancy");
        assertEquals(2, p.code());
        assertEquals("bilevel run: --progress: 'fancy' is not auto, bar, lines or none; see bilevel run --help",
                p.err().strip());
    }
}
