package io.github.bilevel.api.experiment;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * A chart an experiment asks for; the command line renders it to PNG. Non-finite values (NaN where a value was not
 * measured) are left out of the chart.
 *
 * @param fileName   a plain file name, for example {@code objective.png}
 * @param kind       LINE: each series is y values over {@code x}; HISTOGRAM: each series is a sample, binned together
 * @param x          the shared x values of a LINE plot (ignored for histograms); a series of another length is not
 *                   drawn
 * @param series     name → values, in legend order
 * @param references horizontal lines at fixed values (a baseline, a final figure), drawn across the whole plot and
 *                   named in the legend with their value
 * @param smoothed   names of series drawn as faint raw points under a moving average; the renderer also smooths any
 *                   long series it finds noisy
 */
@API(status = STABLE, since = "0.1")
public record Plot(String fileName, String title, String xLabel, String yLabel, Kind kind, double[] x,
                   Map<String, double[]> series, List<ReferenceLine> references, Set<String> smoothed) {

    public enum Kind { LINE, HISTOGRAM }

    /** A horizontal line at {@code value}, named {@code label} in the legend. */
    public record ReferenceLine(String label, double value) {
        public ReferenceLine {
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException("A reference line needs a label");
            }
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("Reference line '" + label + "' has a non-finite value " + value);
            }
        }
    }

    public Plot {
        if (fileName == null || fileName.isBlank() || fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("A plot's file name must be a plain file name, got '" + fileName + "'");
        }
        series = Collections.unmodifiableMap(new LinkedHashMap<>(series));
        x = x == null ? new double[0] : x.clone();
        references = references == null ? List.of() : List.copyOf(references);
        smoothed = smoothed == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(smoothed));
        for (String name : smoothed) {
            if (!series.containsKey(name)) {
                throw new IllegalArgumentException("Plot " + fileName + " smooths series '" + name
                        + "', which it does not have; series: " + series.keySet());
            }
        }
    }

    /** A plot without reference lines or forced smoothing. */
    public Plot(String fileName, String title, String xLabel, String yLabel, Kind kind, double[] x,
                Map<String, double[]> series) {
        this(fileName, title, xLabel, yLabel, kind, x, series, List.of(), Set.of());
    }

    /** This plot with one more reference line; a non-finite {@code value} (not known yet) adds none. */
    public Plot withReference(String label, double value) {
        if (!Double.isFinite(value)) {
            return this;
        }
        List<ReferenceLine> more = new ArrayList<>(references);
        more.add(new ReferenceLine(label, value));
        return new Plot(fileName, title, xLabel, yLabel, kind, x, series, more, smoothed);
    }

    /** This plot with the named series drawn smoothed over their faint raw points. */
    public Plot withSmoothed(String... names) {
        Set<String> more = new LinkedHashSet<>(smoothed);
        more.addAll(List.of(names));
        return new Plot(fileName, title, xLabel, yLabel, kind, x, series, references, more);
    }
}
