package io.github.bilevel.cli;

import io.github.bilevel.api.experiment.Plot;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders {@link Plot}s to PNG with XChart. Every chart has its legend outside the plot area (right of it), tick
 * labels of at most four significant digits that XChart spaces so they do not overlap, one colour per series from a
 * colour-blind-safe palette, reference lines as dashed horizontal lines named in the legend, and noisy series as
 * faint raw points under a centred moving average.
 */
final class PlotRenderer {
    static final int WIDTH = 900;
    static final int HEIGHT = 500;

    /** Okabe and Ito's colour-blind-safe palette, yellow last (faint on white); after eight, colours repeat dashed. */
    static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000),
            new Color(0xF0E442));

    /** Series of more points than this that look noisy (see {@link #isNoisy}) are smoothed without being asked. */
    static final int NOISY_MIN_POINTS = 100;

    private static final BasicStroke SOLID = new BasicStroke(2f);
    private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {8f, 5f}, 0f);
    private static final BasicStroke DOTTED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {2f, 4f}, 0f);
    private static final int HISTOGRAM_BINS = 20;
    /** Series of at most this many points get a marker on each point. */
    private static final int MARKED_MAX_POINTS = 50;

    private PlotRenderer() {
    }

    /** Renders each plot that has something to draw into {@code out}, through a temporary file and a rename. */
    static List<Path> write(Path out, List<Plot> plots) throws IOException {
        List<Path> written = new ArrayList<>();
        for (Plot p : plots) {
            Optional<XYChart> chart = chart(p);
            if (chart.isEmpty()) {
                continue;
            }
            Path file = out.resolve(p.fileName());
            Path tmp = out.resolve(p.fileName() + ".tmp.png");
            try {
                BitmapEncoder.saveBitmap(chart.get(), tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp); // after a failure only: a half-written temporary file looks like a plot
            }
            written.add(file);
        }
        return written;
    }

    /** The chart of {@code p}, or empty when it has no finite value to draw. */
    static Optional<XYChart> chart(Plot p) {
        List<Line> lines = p.kind() == Plot.Kind.LINE ? lines(p) : histogram(p);
        if (lines.isEmpty() && p.references().isEmpty()) {
            return Optional.empty();
        }
        double[] xs = bounds(lines, true);
        double[] ys = bounds(lines, false);
        for (Plot.ReferenceLine r : p.references()) {
            ys[0] = Math.min(ys[0], r.value());
            ys[1] = Math.max(ys[1], r.value());
        }
        if (!Double.isFinite(xs[0])) {
            xs = new double[] {0, 1};
        }
        double[] xRange = TickFormat.range(xs[0], xs[1], 0);
        double[] yRange = TickFormat.range(ys[0], ys[1], 0.04);

        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(p.title()).xAxisTitle(p.xLabel())
                .yAxisTitle(p.yLabel()).build();
        XYStyler st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setChartBackgroundColor(Color.WHITE);
        st.setLegendBorderColor(Color.LIGHT_GRAY);
        st.setPlotBorderColor(Color.GRAY);
        st.setPlotGridLinesColor(new Color(0xE0E0E0));
        st.setXAxisMin(xRange[0]);
        st.setXAxisMax(xRange[1]);
        st.setYAxisMin(yRange[0]);
        st.setYAxisMax(yRange[1]);
        st.setxAxisTickLabelsFormattingFunction(formatter(wholeNumbers(lines, true)));
        st.setyAxisTickLabelsFormattingFunction(formatter(wholeNumbers(lines, false)));
        st.setMarkerSize(lines.stream().anyMatch(l -> l.raw) ? 3 : 6);
        st.setSeriesColors(PALETTE.toArray(new Color[0]));

        for (Line l : lines) {
            XYSeries s = chart.addSeries(unique(chart, l.name), l.x, l.y);
            Color c = PALETTE.get(l.colour % PALETTE.size());
            if (p.kind() == Plot.Kind.HISTOGRAM) {
                s.setXYSeriesRenderStyle(XYSeriesRenderStyle.StepArea);
                s.setLineColor(c);
                s.setFillColor(alpha(c, 0x50));
                s.setLineStyle(SOLID);
                s.setMarker(SeriesMarkers.NONE);
            } else if (l.raw) {
                s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.CIRCLE);
                // fainter the more points there are: 160 of 255 for a few dozen, 40 from about 5,000 on
                s.setMarkerColor(alpha(c, (int) Math.max(40, Math.min(160, 160 * Math.sqrt(300.0 / l.x.length)))));
            } else {
                s.setLineColor(c);
                s.setLineStyle(l.colour < PALETTE.size() ? SOLID : DOTTED);
                s.setMarkerColor(c);
                boolean marked = l.x.length <= MARKED_MAX_POINTS && !l.smooth;
                s.setMarker(marked ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            }
        }
        int next = lines.stream().mapToInt(l -> l.colour + 1).max().orElse(0);
        for (Plot.ReferenceLine r : p.references()) {
            XYSeries s = chart.addSeries(unique(chart, r.label() + " = " + TickFormat.format(r.value())),
                    new double[] {xRange[0], xRange[1]}, new double[] {r.value(), r.value()});
            Color c = PALETTE.get(next % PALETTE.size());
            next++;
            s.setLineColor(c);
            s.setLineStyle(DASHED);
            s.setMarker(SeriesMarkers.NONE);
        }
        // XChart puts ticks only at data values when the values of an axis are equally spaced (iterations 0..29,999
        // gave ticks at 0, 2,185, 4,370, ...); one invisible point between them makes it choose round ticks instead.
        XYSeries anchor = chart.addSeries(unique(chart, " "), new double[] {xRange[0] + 0.381966 * (xRange[1] - xRange[0])},
                new double[] {yRange[0] + 0.381966 * (yRange[1] - yRange[0])});
        anchor.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        anchor.setMarker(SeriesMarkers.NONE);
        anchor.setShowInLegend(false);
        return Optional.of(chart);
    }

    /** {@code name}, or with a number added when the chart already has a series of that name. */
    private static String unique(XYChart chart, String name) {
        String n = name;
        for (int k = 2; chart.getSeriesMap().containsKey(n); k++) {
            n = name + " (" + k + ")";
        }
        return n;
    }

    /** One drawn series: a data series, its raw points under a smoothed line, or a histogram's outline. */
    private record Line(String name, double[] x, double[] y, int colour, boolean raw, boolean smooth) {
        Line(String name, double[] x, double[] y, int colour, boolean raw) {
            this(name, x, y, colour, raw, false);
        }
    }

    private static List<Line> lines(Plot p) {
        List<Line> out = new ArrayList<>();
        int colour = 0;
        for (Map.Entry<String, double[]> e : p.series().entrySet()) {
            double[] y = e.getValue();
            if (y.length != p.x().length) {
                continue;
            }
            int n = 0;
            double[] fx = new double[y.length];
            double[] fy = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                if (Double.isFinite(y[i]) && Double.isFinite(p.x()[i])) {
                    fx[n] = p.x()[i];
                    fy[n] = y[i];
                    n++;
                }
            }
            if (n == 0) {
                continue;
            }
            fx = Arrays.copyOf(fx, n);
            fy = Arrays.copyOf(fy, n);
            if (p.smoothed().contains(e.getKey()) || isNoisy(fy)) {
                int window = smoothingWindow(n);
                out.add(new Line(e.getKey() + ", raw", fx, fy, colour, true));
                out.add(new Line(e.getKey() + ", moving average of " + window, fx, movingAverage(fy, window),
                        colour, false, true));
            } else {
                out.add(new Line(e.getKey(), fx, fy, colour, false));
            }
            colour++;
        }
        return out;
    }

    /**
     * Whether a long series is noisy: its typical step between neighbours (the median absolute difference) is more
     * than 2% of the span of its central 90%. A smooth curve of n points steps about 1/n of its span.
     */
    static boolean isNoisy(double[] y) {
        if (y.length < NOISY_MIN_POINTS) {
            return false;
        }
        double[] steps = new double[y.length - 1];
        for (int i = 1; i < y.length; i++) {
            steps[i - 1] = Math.abs(y[i] - y[i - 1]);
        }
        Arrays.sort(steps);
        double[] sorted = y.clone();
        Arrays.sort(sorted);
        double span = sorted[(int) (0.95 * (sorted.length - 1))] - sorted[(int) (0.05 * (sorted.length - 1))];
        return span > 0 && steps[steps.length / 2] > 0.02 * span;
    }

    /** An odd window of about 1/50 of the points, from 5 to 1,001. */
    static int smoothingWindow(int n) {
        int w = Math.max(5, Math.min(1001, n / 50));
        return w % 2 == 0 ? w + 1 : w;
    }

    /** The centred moving average over {@code window} points; near the ends, over the points there are. */
    static double[] movingAverage(double[] y, int window) {
        double[] prefix = new double[y.length + 1];
        for (int i = 0; i < y.length; i++) {
            prefix[i + 1] = prefix[i] + y[i];
        }
        int half = window / 2;
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            int lo = Math.max(0, i - half);
            int hi = Math.min(y.length, i + half + 1);
            out[i] = (prefix[hi] - prefix[lo]) / (hi - lo);
        }
        return out;
    }

    /** Each sample's counts in 20 shared bins, as steps from bin edge to bin edge. */
    private static List<Line> histogram(Plot p) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] values : p.series().values()) {
            for (double v : values) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return List.of();
        }
        if (!(hi > lo)) {
            lo -= 0.5;
            hi += 0.5;
        }
        double width = (hi - lo) / HISTOGRAM_BINS;
        List<Line> out = new ArrayList<>();
        int colour = 0;
        for (Map.Entry<String, double[]> e : p.series().entrySet()) {
            double[] counts = new double[HISTOGRAM_BINS];
            int n = 0;
            for (double v : e.getValue()) {
                if (Double.isFinite(v)) {
                    counts[Math.min(HISTOGRAM_BINS - 1, (int) ((v - lo) / width))]++;
                    n++;
                }
            }
            if (n > 0) {
                double[] x = new double[HISTOGRAM_BINS + 1];
                double[] y = new double[HISTOGRAM_BINS + 1];
                for (int b = 0; b <= HISTOGRAM_BINS; b++) {
                    x[b] = lo + b * width;
                    y[b] = counts[Math.min(b, HISTOGRAM_BINS - 1)];
                }
                out.add(new Line(e.getKey() + " (" + n + ")", x, y, colour, false));
            }
            colour++;
        }
        return out;
    }

    /**
     * Tick labels; on an axis of whole numbers (iterations, T, counts) only whole ticks get a label. XChart retries
     * with wider tick spacing until the labels are distinct, so the blank labels of 1.5, 2.5, ... make it choose
     * whole-number ticks.
     */
    private static java.util.function.Function<Double, String> formatter(boolean wholeNumbers) {
        return wholeNumbers ? v -> v == Math.rint(v) ? TickFormat.format(v) : "" : TickFormat::format;
    }

    private static boolean wholeNumbers(List<Line> lines, boolean x) {
        for (Line l : lines) {
            for (double v : x ? l.x : l.y) {
                if (v != Math.rint(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double[] bounds(List<Line> lines, boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Line l : lines) {
            for (double v : x ? l.x : l.y) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return new double[] {lo, hi};
    }

    private static Color alpha(Color c, int a) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), a);
    }
}
