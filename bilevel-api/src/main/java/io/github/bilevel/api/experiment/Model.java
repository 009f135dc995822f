package io.github.bilevel.api.experiment;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A learned model a run leaves behind for later use: the command line writes it as model.json in the run folder
 * (format {@code bilevel-model}, docs/FORMATS.md), and {@code bilevel evaluate} hands it back to
 * {@link Experiment#evaluate}.
 *
 * @param experiment the id of the experiment that made it and can evaluate it
 * @param kind       what the values are, for example {@code hyper-representation}
 * @param settings   everything needed to rebuild the model and its evaluation (JSON-compatible values: numbers,
 *                   strings, booleans)
 * @param values     the learned tensors by name, row-major
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Model(String experiment, String kind, Map<String, Object> settings, Map<String, double[]> values) {
    public Model {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(kind, "kind");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        Map<String, double[]> copy = new LinkedHashMap<>();
        values.forEach((name, v) -> copy.put(name, v.clone()));
        values = Collections.unmodifiableMap(copy);
    }
}
