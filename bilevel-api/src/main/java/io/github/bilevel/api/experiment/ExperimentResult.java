package io.github.bilevel.api.experiment;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * What an experiment produced. The command line writes {@code results} to results.json (beside the experiment,
 * seed, backend, dtype, seconds and config it adds itself), {@code history} to history.csv and each plot to PNG.
 *
 * @param results        name → number, string, boolean, list or map (JSON-compatible values)
 * @param historyColumns column names of history.csv
 * @param history        one row per outer iteration; NaN where a value was not measured at that iteration
 * @param plots          charts to render
 */
@API(status = STABLE, since = "0.1")
public record ExperimentResult(Map<String, Object> results, List<String> historyColumns, List<double[]> history,
                               List<Plot> plots) {
    public ExperimentResult {
        results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
        historyColumns = List.copyOf(historyColumns);
        history = List.copyOf(history);
        plots = List.copyOf(plots);
        for (double[] row : history) {
            if (row.length != historyColumns.size()) {
                throw new IllegalArgumentException("History row of " + row.length + " values for "
                        + historyColumns.size() + " columns");
            }
        }
    }
}
