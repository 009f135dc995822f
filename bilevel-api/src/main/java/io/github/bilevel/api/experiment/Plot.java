package io.github.bilevel.api.experiment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A chart an experiment asks for; the command line renders it to PNG.
 *
 * @param fileName for example {@code objective.png}
 * @param kind     LINE: each series is y values over {@code x}; HISTOGRAM: each series is a sample, binned together
 * @param x        the shared x values of a LINE plot (ignored for histograms)
 * @param series   name → values, in legend order
 */
public record Plot(String fileName, String title, String xLabel, String yLabel, Kind kind, double[] x,
                   Map<String, double[]> series) {

    public enum Kind { LINE, HISTOGRAM }

    public Plot {
        series = Collections.unmodifiableMap(new LinkedHashMap<>(series));
        x = x == null ? new double[0] : x.clone();
    }
}
