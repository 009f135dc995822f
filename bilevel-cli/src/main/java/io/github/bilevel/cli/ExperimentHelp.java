package io.github.bilevel.cli;

import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The experiment part of {@code bilevel run --help}: with an experiment id ({@code bilevel run omniglot --help}) a
 * table of that experiment's settings (name, type, default, allowed range, {@code --quick} value, description);
 * without one, the list of experiments.
 */
final class ExperimentHelp {
    static final String SECTION = "experimentSettings";
    private static final String NL = System.lineSeparator();

    private ExperimentHelp() {
    }

    /** Adds the section to {@code run}'s usage help, just before the footer, for the experiment named on the line. */
    static void install(CommandLine run, Supplier<String> experimentId) {
        run.getHelpSectionMap().put(SECTION, help -> text(experimentId.get(), discovered()));
        List<String> keys = new ArrayList<>(run.getHelpSectionKeys());
        keys.add(keys.indexOf(UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), SECTION);
        run.setHelpSectionKeys(keys);
    }

    /** The experiments found, by id (two of one id are an error, as with {@code bilevel run}). */
    static Map<String, Experiment> discovered() {
        return RunCommand.experiments();
    }

    static String text(String id, Map<String, Experiment> experiments) {
        StringBuilder s = new StringBuilder(NL);
        Experiment e = id == null ? null : experiments.get(id);
        if (e == null) {
            s.append(id == null ? "Experiments" : "Unknown experiment '" + id + "'. Experiments")
                    .append(" (bilevel run ID --help lists one's settings):").append(NL);
            experiments.values().forEach(x -> s.append(String.format(Locale.ROOT, "  %-16s %s", x.id(),
                    x.description())).append(NL));
            return s.toString();
        }
        s.append("Settings of ").append(e.id()).append(": ").append(e.description()).append(NL)
                .append("(--set KEY=VALUE, --KEY VALUE after the experiment with - for _, or a --config file)")
                .append(NL);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KEY", "TYPE", "DEFAULT", "RANGE", "--quick", "DESCRIPTION"});
        Map<String, Object> quick = e.quickOverrides();
        for (ConfigOption o : e.options()) {
            Object q = quick.get(o.key());
            rows.add(new String[] {o.key(), o.type().name().toLowerCase(Locale.ROOT), value(o.defaultValue()),
                range(o), q == null ? "-" : value(o.accept(q)), o.description()});
        }
        int[] width = new int[5];
        for (String[] r : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < width.length; i++) {
                line.append(r[i]).append(" ".repeat(width[i] - r[i].length() + 2));
            }
            s.append(line.append(r[5]).toString().stripTrailing()).append(NL);
        }
        return s.toString();
    }

    /** A value as a user writes it: 0.001, 1e-5, 2500, true, reverse. */
    static String value(Object v) {
        if (v instanceof Double d) {
            double a = Math.abs(d);
            if (a != 0 && (a < 1e-3 || a >= 1e7)) {
                return String.format(Locale.ROOT, "%.6g", d).replaceAll("\\.?0+e", "e").replace("e+", "e")
                        .replaceAll("e(-?)0+(?=\\d)", "e$1");
            }
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }

    /** The allowed values: [min, max], >= min, true|false, or "text" for a free string. */
    static String range(ConfigOption o) {
        return switch (o.type()) {
            case BOOLEAN -> "true|false";
            case STRING -> "text";
            case INT -> bounds(o.min(), o.max(), Integer.MAX_VALUE, true);
            case DOUBLE -> bounds(o.min(), o.max(), Double.MAX_VALUE, false);
        };
    }

    private static String bounds(double min, double max, double unbounded, boolean integer) {
        String lo = integer ? String.valueOf((long) min) : value(min);
        String hi = integer ? String.valueOf((long) max) : value(max);
        if (max >= unbounded || Double.isInfinite(max)) {
            return min <= -unbounded || Double.isInfinite(min) ? "any" : ">= " + lo;
        }
        return "[" + lo + ", " + hi + "]";
    }
}
