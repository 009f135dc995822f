package io.github.bilevel.api.outer;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Everything an outer loop needs to continue exactly where it stopped: what a checkpoint holds.
 *
 * @param completed       outer iterations finished; the loop continues with iteration {@code completed}
 * @param values          the hyperparameters after iteration {@code completed − 1}
 * @param optimizerState  the outer optimizer's state ({@link OuterOptimizer#state()})
 * @param learningRateScale factor on the scheduled learning rate (halved after each skipped non-finite update)
 * @param metrics         the experiment's per-iteration rows so far
 * @param extras          named arrays the experiment keeps across a resume (for example the best hyperparameters
 *                        found by validation so far)
 */
@API(status = STABLE, since = "0.1")
public record OuterState(int completed, Map<String, double[]> values, Map<String, double[]> optimizerState,
                         double learningRateScale, List<double[]> metrics, Map<String, double[]> extras) {

    /** A state without extras. */
    public OuterState(int completed, Map<String, double[]> values, Map<String, double[]> optimizerState,
                      double learningRateScale, List<double[]> metrics) {
        this(completed, values, optimizerState, learningRateScale, metrics, Map.of());
    }

    public OuterState {
        if (completed < 0) {
            throw new IllegalArgumentException("completed must be >= 0, got " + completed);
        }
        values = deepCopy(values);
        optimizerState = deepCopy(optimizerState);
        extras = deepCopy(extras);
        List<double[]> rows = new ArrayList<>();
        metrics.forEach(r -> rows.add(r.clone()));
        metrics = List.copyOf(rows);
    }

    private static Map<String, double[]> deepCopy(Map<String, double[]> m) {
        Map<String, double[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * The name and position of the first NaN or infinity among the values, the optimizer state and the extras (metrics may hold
     * NaN for "not measured"), or null when all are finite.
     */
    public String firstNonFinite() {
        for (Map<String, double[]> m : List.of(values, optimizerState, extras)) {
            for (Map.Entry<String, double[]> e : m.entrySet()) {
                double[] v = e.getValue();
                for (int i = 0; i < v.length; i++) {
                    if (!Double.isFinite(v[i])) {
                        return e.getKey() + "[" + i + "] = " + v[i];
                    }
                }
            }
        }
        return null;
    }
}
