package io.github.bilevel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.bilevel.api.experiment.ExperimentResult;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import io.github.bilevel.core.outer.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes results.json and history.csv of a run, each through a temporary file and a rename (plots: PlotRenderer). */
final class RunOutputs {
    private RunOutputs() {
    }

    static void writeResults(Path out, Map<String, Object> results) throws IOException {
        writeJson(out.resolve("results.json"), results);
    }

    /** An indented JSON file, non-finite numbers as null. */
    static void writeJson(Path file, Map<String, Object> content) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        atomicWrite(file, json.writeValueAsString(sanitize(content)) + "\n");
    }

    /** JSON has no NaN: non-finite numbers become null. */
    static Object sanitize(Object v) {
        if (v instanceof Double d && !Double.isFinite(d)) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> copy.put(k, sanitize(x)));
            return copy;
        }
        return v;
    }

    static void writeHistory(Path out, ExperimentResult r) throws IOException {
        atomicWrite(out.resolve("history.csv"), csv(r.historyColumns(), r.history()));
    }

    /** history.csv: a header line, then a line per row (see {@link #csvRow}). */
    static String csv(List<String> columns, List<double[]> rows) {
        StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
        rows.forEach(row -> csvRow(b, row));
        return b.toString();
    }

    /** One line: whole numbers as integers, others with 8 significant digits, nothing for a NaN or an infinity. */
    static void csvRow(StringBuilder b, double[] row) {
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            if (Double.isFinite(row[i])) {
                b.append(row[i] == Math.rint(row[i]) && Math.abs(row[i]) < 1e15 ? String.valueOf((long) row[i])
                        : String.format(Locale.ROOT, "%.8g", row[i]));
            }
        }
        b.append('\n');
    }

    static void atomicWrite(Path file, String text) throws IOException {
        AtomicFiles.write(file, text);
    }
}
