package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The result of a strategy: the approximate outer objective {@code f_T(λ)} and its gradient with respect to each
 * hyperparameter, as row-major arrays in the hyperparameter's shape.
 */
@API(status = STABLE, since = "0.1")
public record Hypergradient(double outerObjective, Map<String, double[]> gradients) {
    public Hypergradient {
        gradients = Collections.unmodifiableMap(new LinkedHashMap<>(gradients));
    }

    /**
     * @throws IllegalArgumentException naming the known names if there is no gradient for {@code name}
     */
    public double[] get(String name) {
        double[] g = gradients.get(name);
        if (g == null) {
            throw new IllegalArgumentException("No hypergradient for '" + name + "'. Known: " + gradients.keySet());
        }
        return g.clone();
    }
}
