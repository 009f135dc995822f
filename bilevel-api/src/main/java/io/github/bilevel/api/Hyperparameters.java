package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;

/** The current values of named hyperparameters, as differentiable tensors. Immutable; iteration order is declaration order. */
@API(status = STABLE, since = "0.1")
public final class Hyperparameters {
    private final Map<String, Tensor> values;

    public Hyperparameters(Map<String, Tensor> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The value of {@code name}.
     *
     * @throws IllegalArgumentException naming the known hyperparameters if there is none by that name
     */
    public Tensor get(String name) {
        Tensor t = values.get(name);
        if (t == null) {
            throw new IllegalArgumentException("No hyperparameter named '" + name + "'. Known: " + values.keySet());
        }
        return t;
    }

    public boolean contains(String name) {
        return values.containsKey(name);
    }

    /** Unmodifiable view in declaration order. */
    public Map<String, Tensor> asMap() {
        return values;
    }
}
