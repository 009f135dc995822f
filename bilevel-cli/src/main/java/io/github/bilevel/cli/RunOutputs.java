package io.github.bilevel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.experiment.Plot;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import io.github.bilevel.core.outer.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Writes results.json, history.csv and the PNG plots of a run; each file through a temporary file and a rename. */
final class RunOutputs {
    private RunOutputs() {
    }

    static void writeResults(Path out, Map<String, Object> results) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        atomicWrite(out.resolve("results.json"), json.writeValueAsString(sanitize(results)) + "\n");
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

    static List<Path> writePlots(Path out, List<Plot> plots) throws IOException {
        List<Path> written = new ArrayList<>();
        for (Plot p : plots) {
            Path file = out.resolve(p.fileName());
            Path tmp = out.resolve(p.fileName() + ".tmp.png");
            if (p.kind() == Plot.Kind.LINE) {
                XYChart chart = new XYChartBuilder().width(800).height(500).title(p.title()).xAxisTitle(p.xLabel())
                        .yAxisTitle(p.yLabel()).build();
                chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
                chart.getStyler().setMarkerSize(3);
                boolean any = false;
                for (Map.Entry<String, double[]> s : p.series().entrySet()) {
                    if (s.getValue().length > 0 && s.getValue().length == p.x().length) {
                        chart.addSeries(s.getKey(), p.x(), s.getValue());
                        any = true;
                    }
                }
                if (!any) {
                    continue;
                }
                BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            } else {
                CategoryChart chart = new CategoryChartBuilder().width(800).height(500).title(p.title())
                        .xAxisTitle(p.xLabel()).yAxisTitle(p.yLabel()).build();
                chart.getStyler().setOverlapped(true);
                chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideN);
                chart.getStyler().setXAxisDecimalPattern("0.00");
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (double[] values : p.series().values()) {
                    for (double v : values) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
                if (!(hi > lo)) {
                    hi = lo + 1;
                }
                boolean any = false;
                for (Map.Entry<String, double[]> s : p.series().entrySet()) {
                    if (s.getValue().length == 0) {
                        continue;
                    }
                    List<Double> data = new ArrayList<>();
                    for (double v : s.getValue()) {
                        data.add(v);
                    }
                    Histogram h = new Histogram(data, 20, lo, hi);
                    chart.addSeries(s.getKey(), h.getxAxisData(), h.getyAxisData());
                    any = true;
                }
                if (!any) {
                    continue;
                }
                BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written.add(file);
        }
        return written;
    }

    static void atomicWrite(Path file, String text) throws IOException {
        AtomicFiles.write(file, text);
    }
}
