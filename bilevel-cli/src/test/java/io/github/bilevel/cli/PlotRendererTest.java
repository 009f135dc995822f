package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.experiment.Plot;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * The renderer's guarantees, checked on the chart XChart lays out: legend beside the plot area, visible tick labels of
 * at most four significant digits that do not overlap, distinct series colours, smoothing and reference lines.
 */
class PlotRendererTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** Values like the ones users saw as 0.558666666666667, x from 10 to 14, two series. */
    private static Plot awkward() {
        double[] x = {10, 11, 12, 13, 14};
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("validation", new double[] {0.558666666666667, 0.5591, 0.55933333, 0.5597, 0.560133333});
        s.put("test", new double[] {0.5571, 0.5580666667, 0.55866666, 0.5590, 0.5601});
        return new Plot("awkward.png", "Awkward", "T", "accuracy", Plot.Kind.LINE, x, s);
    }

    /** 30,000 noisy points, like omniglot's meta-training objective. */
    private static Plot noisy() {
        Random rng = new Random(3);
        int n = 30_000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = 0.3 + 0.6 * Math.exp(-i / 3000.0) + 0.15 * Math.abs(rng.nextGaussian());
        }
        return new Plot("noisy.png", "Noisy", "outer iteration", "loss", Plot.Kind.LINE, x, Map.of("E", y));
    }

    /** Lays the chart out (paints it once) and returns it. */
    private static XYChart laidOut(Plot p) {
        XYChart chart = PlotRenderer.chart(p).orElseThrow();
        BitmapEncoder.getBufferedImage(chart);
        return chart;
    }

    private static Object internal(Object target, String method) throws ReflectiveOperationException {
        Method m = Chart.class.getDeclaredMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    private static Rectangle2D bounds(Object part) throws ReflectiveOperationException {
        Method m = part.getClass().getMethod("getBounds");
        m.setAccessible(true);
        return (Rectangle2D) m.invoke(part);
    }

    /** The tick labels XChart draws on an axis, with their positions, after layout (labels in the axis's space). */
    private record Tick(String label, double at) {
    }

    private static List<Tick> visibleTicks(XYChart chart, String axisMethod) throws ReflectiveOperationException {
        Object axis = internal(chart, axisMethod);
        Object calc = axis.getClass().getMethod("getAxisTickCalculator").invoke(axis);
        @SuppressWarnings("unchecked")
        List<String> labels = (List<String>) calc.getClass().getMethod("getTickLabels").invoke(calc);
        @SuppressWarnings("unchecked")
        List<Double> at = (List<Double>) calc.getClass().getMethod("getTickLocations").invoke(calc);
        Rectangle2D b = bounds(axis);
        double space = axisMethod.equals("getXAxis") ? b.getWidth() : b.getHeight();
        List<Tick> out = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i) != null && !labels.get(i).isBlank() && at.get(i) >= 0 && at.get(i) <= space) {
                out.add(new Tick(labels.get(i), at.get(i)));
            }
        }
        return out;
    }

    /** Significant digits of a number as written: no sign, exponent, leading zeros or an integer's trailing zeros. */
    private static int significantDigits(String label) {
        String m = label.replace("-", "").split("e")[0];
        boolean integer = !m.contains(".");
        String digits = m.replace(".", "").replaceFirst("^0+", "");
        if (integer) {
            digits = digits.replaceFirst("0+$", "");
        }
        assertTrue(digits.matches("[0-9]*"), "not a plain number: '" + label + "'");
        return Math.max(1, digits.length());
    }

    private static void assertReadableTicks(XYChart chart, String axisMethod) throws ReflectiveOperationException {
        List<Tick> ticks = visibleTicks(chart, axisMethod);
        assertTrue(ticks.size() >= 3, axisMethod + ": at least 3 visible ticks expected: " + ticks);
        Set<String> seen = new HashSet<>();
        for (Tick t : ticks) {
            assertTrue(significantDigits(t.label()) <= 4, axisMethod + ": more than 4 significant digits in '"
                    + t.label() + "' " + ticks);
            assertFalse(t.label().startsWith("."), "label without a leading digit: " + t.label());
            assertTrue(seen.add(t.label()), axisMethod + ": repeated label " + t.label() + " in " + ticks);
        }
        // No overlap: along the axis, neighbouring labels are further apart than the labels are long (x) or high (y).
        Font font = chart.getStyler().getAxisTickLabelsFont();
        FontRenderContext frc = new FontRenderContext(null, true, false);
        List<Tick> sorted = new ArrayList<>(ticks);
        sorted.sort((a, b) -> Double.compare(a.at(), b.at()));
        for (int i = 1; i < sorted.size(); i++) {
            Rectangle2D a = font.getStringBounds(sorted.get(i - 1).label(), frc);
            Rectangle2D b = font.getStringBounds(sorted.get(i).label(), frc);
            double extent = axisMethod.equals("getXAxis") ? (a.getWidth() + b.getWidth()) / 2
                    : (a.getHeight() + b.getHeight()) / 2;
            double gap = sorted.get(i).at() - sorted.get(i - 1).at();
            assertTrue(gap > extent, axisMethod + ": labels " + sorted.get(i - 1).label() + " and "
                    + sorted.get(i).label() + " are " + gap + " px apart but " + extent + " px long");
        }
    }

    private static void assertLegendBesidePlot(XYChart chart) throws ReflectiveOperationException {
        Styler.LegendPosition pos = chart.getStyler().getLegendPosition();
        assertTrue(pos == Styler.LegendPosition.OutsideE || pos == Styler.LegendPosition.OutsideS, pos.toString());
        // The legend's bounds hold its size; where it is drawn is in its offset fields.
        Object part = internal(chart, "getLegend");
        Rectangle2D size = bounds(part);
        java.lang.reflect.Field x = Class.forName("org.knowm.xchart.internal.chartpart.Legend_")
                .getDeclaredField("xOffset");
        java.lang.reflect.Field y = Class.forName("org.knowm.xchart.internal.chartpart.Legend_")
                .getDeclaredField("yOffset");
        x.setAccessible(true);
        y.setAccessible(true);
        Rectangle2D legend = new Rectangle2D.Double(x.getDouble(part), y.getDouble(part), size.getWidth(),
                size.getHeight());
        Rectangle2D plot = bounds(internal(chart, "getPlot"));
        assertTrue(legend.getWidth() > 0 && legend.getHeight() > 0, "legend drawn: " + legend);
        assertFalse(legend.intersects(plot), "legend " + legend + " overlaps the plot area " + plot);
    }

    @Test
    void awkwardValuesGetShortDistinctTicksAndTheLegendStaysOutOfThePlot() throws ReflectiveOperationException {
        XYChart chart = laidOut(awkward());
        assertReadableTicks(chart, "getXAxis");
        assertReadableTicks(chart, "getYAxis");
        assertLegendBesidePlot(chart);
        List<String> x = visibleTicks(chart, "getXAxis").stream().map(Tick::label).toList();
        assertTrue(x.contains("10") && x.contains("14"), "x ticks at round values from 10 to 14: " + x);
        assertTrue(x.stream().allMatch(l -> l.matches("1[0-4]")), "whole x values get whole ticks: " + x);
    }

    @Test
    void thirtyThousandNoisyPointsGetRoundTicksAndASmoothedLine() throws ReflectiveOperationException {
        Plot p = noisy();
        XYChart chart = laidOut(p);
        assertReadableTicks(chart, "getXAxis");
        assertReadableTicks(chart, "getYAxis");
        assertLegendBesidePlot(chart);
        for (Tick t : visibleTicks(chart, "getXAxis")) {
            assertEquals(0, Double.parseDouble(t.label()) % 1000, "round x tick expected: " + t.label());
        }
        Map<String, XYSeries> s = chart.getSeriesMap();
        XYSeries raw = s.get("E, raw");
        XYSeries smooth = s.keySet().stream().filter(k -> k.startsWith("E, moving average")).map(s::get)
                .findFirst().orElseThrow(() -> new AssertionError("no smoothed series in " + s.keySet()));
        assertTrue(raw.getMarkerColor().getAlpha() < 128, "raw points are faint");
        assertEquals(255, smooth.getLineColor().getAlpha());
        // The moving average is far less rough than the raw points and follows their trend.
        double rawRough = roughness(raw.getYData());
        double smoothRough = roughness(smooth.getYData());
        assertTrue(smoothRough < rawRough / 20, smoothRough + " vs " + rawRough);
        double[] y = smooth.getYData();
        double expectedEnd = 0.3 + 0.6 * Math.exp(-29_000 / 3000.0) + 0.15 * Math.sqrt(2 / Math.PI);
        assertEquals(expectedEnd, y[29_000], 0.01);
    }

    private static double roughness(double[] y) {
        double s = 0;
        for (int i = 1; i < y.length; i++) {
            s += Math.abs(y[i] - y[i - 1]);
        }
        return s / (y.length - 1);
    }

    @Test
    void smoothCurvesAreNotSmoothedNoisyOnesAre() {
        double[] smooth = new double[200];
        Random rng = new Random(1);
        double[] noisy = new double[200];
        for (int i = 0; i < smooth.length; i++) {
            smooth[i] = 4.6 * Math.exp(-i / 40.0);
            noisy[i] = smooth[i] + 0.5 * rng.nextGaussian();
        }
        assertFalse(PlotRenderer.isNoisy(smooth));
        assertTrue(PlotRenderer.isNoisy(noisy));
        assertFalse(PlotRenderer.isNoisy(new double[] {1, 5, 2, 8}), "short series are drawn as they are");
    }

    @Test
    void everySeriesAndReferenceLineHasItsOwnColour() {
        double[] x = {0, 1, 2, 3};
        Map<String, double[]> s = new LinkedHashMap<>();
        for (int k = 0; k < 5; k++) {
            s.put("s" + k, new double[] {k, k + 1, k + 0.5, k + 2});
        }
        Plot p = new Plot("colours.png", "Colours", "x", "y", Plot.Kind.LINE, x, s).withReference("baseline", 0.88)
                .withReference("oracle", 0.91).withReference("learned", 0.9083);
        XYChart chart = PlotRenderer.chart(p).orElseThrow();
        Set<Color> colours = new HashSet<>();
        int shown = 0;
        for (XYSeries series : chart.getSeriesMap().values()) {
            if (series.isShowInLegend()) {
                shown++;
                colours.add(series.getLineColor());
            }
        }
        assertEquals(8, shown);
        assertEquals(8, colours.size(), "distinct colours");
        assertTrue(PlotRenderer.PALETTE.containsAll(colours), "colours from the fixed palette");
    }

    @Test
    void referenceLinesAreHorizontalLinesAcrossThePlotNamedWithTheirValue() throws ReflectiveOperationException {
        Plot p = awkward().withReference("baseline test accuracy", 0.8838).withReference("unknown yet", Double.NaN);
        XYChart chart = laidOut(p);
        XYSeries ref = chart.getSeriesMap().get("baseline test accuracy = 0.8838");
        assertTrue(ref != null, "reference line named with its value: " + chart.getSeriesMap().keySet());
        assertEquals(ref.getYData()[0], 0.8838);
        assertEquals(ref.getYData()[1], 0.8838);
        assertTrue(ref.getXData()[0] <= 10 && ref.getXData()[1] >= 14, "across the whole x range");
        assertTrue(chart.getStyler().getYAxisMax() >= 0.8838, "the y axis reaches the reference line");
        assertFalse(chart.getSeriesMap().keySet().stream().anyMatch(k -> k.startsWith("unknown")));
        assertReadableTicks(chart, "getYAxis");
    }

    @Test
    void repeatedNamesDoNotStopTheRendering() {
        Plot p = awkward().withReference("baseline", 0.5583).withReference("baseline", 0.5583);
        XYChart chart = PlotRenderer.chart(p).orElseThrow();
        assertTrue(chart.getSeriesMap().containsKey("baseline = 0.5583 (2)"), chart.getSeriesMap().keySet().toString());
    }

    @Test
    void histogramsShareBinsAndKeepTheLegendOut() throws ReflectiveOperationException {
        Random rng = new Random(5);
        double[] clean = new double[500];
        double[] dirty = new double[500];
        for (int i = 0; i < 500; i++) {
            clean[i] = Math.min(1, 0.6 + 0.3 * rng.nextDouble());
            dirty[i] = i < 400 ? 0 : 0.3 * rng.nextDouble();
        }
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("clean", clean);
        s.put("corrupted", dirty);
        XYChart chart = laidOut(new Plot("h.png", "Weights", "weight", "examples", Plot.Kind.HISTOGRAM, null, s));
        assertReadableTicks(chart, "getXAxis");
        assertReadableTicks(chart, "getYAxis");
        assertLegendBesidePlot(chart);
        double[] counts = chart.getSeriesMap().get("corrupted (500)").getYData();
        assertTrue(counts[0] >= 400, "the weights at 0 fall in the first bin: " + counts[0]);
        double total = 0;
        for (int b = 0; b < counts.length - 1; b++) {
            total += counts[b];
        }
        assertEquals(500, total);
    }

    @Test
    void tickFormatKeepsFourSignificantDigitsAndALeadingZero() {
        assertEquals("0.05", TickFormat.format(0.05));
        assertEquals("0.5587", TickFormat.format(0.558666666666667));
        assertEquals("12", TickFormat.format(12));
        assertEquals("30000", TickFormat.format(30_000));
        assertEquals("-2.5", TickFormat.format(-2.5));
        assertEquals("5e-4", TickFormat.format(0.0005));
        assertEquals("2.5e6", TickFormat.format(2_500_000));
        assertEquals("0", TickFormat.format(0));
        double[] r = TickFormat.range(0.558666666666667, 0.560133333, 0.04);
        assertTrue(r[0] <= 0.5586 && r[1] >= 0.5602 && r[1] - r[0] <= 0.05, r[0] + " " + r[1]);
    }

    @Test
    void plotsWithNothingToDrawAreNotWritten(@TempDir Path tmp) throws Exception {
        Plot empty = new Plot("empty.png", "Empty", "x", "y", Plot.Kind.LINE, new double[] {0, 1},
                Map.of("E", new double[] {Double.NaN, Double.NaN}));
        List<Path> written = PlotRenderer.write(tmp, List.of(empty, awkward()));
        assertEquals(List.of(tmp.resolve("awkward.png")), written);
        BufferedImage png = ImageIO.read(tmp.resolve("awkward.png").toFile());
        assertEquals(PlotRenderer.WIDTH, png.getWidth());
        assertFalse(Files.exists(tmp.resolve("empty.png")));
    }

    @Test
    void aPlotMustNameExistingSeriesToSmoothAndAPlainFileName() {
        assertThrows(IllegalArgumentException.class, () -> awkward().withSmoothed("absent"));
        assertThrows(IllegalArgumentException.class, () -> new Plot("../x.png", "t", "x", "y", Plot.Kind.LINE,
                null, Map.of()));
    }
}
