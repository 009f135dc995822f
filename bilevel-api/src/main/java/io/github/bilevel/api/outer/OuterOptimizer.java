package io.github.bilevel.api.outer;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * Updates hyperparameters from their hypergradients; keeps its own per-hyperparameter state. Not thread-safe.
 * bilevel-support's {@code OuterOptimizers} has plain gradient descent and Adam.
 */
@API(status = STABLE, since = "0.1")
public interface OuterOptimizer {

    /** The updated value (before projection), given the hypergradient and this iteration's learning rate. */
    double[] step(String name, double[] value, double[] gradient, double lr);

    /**
     * The optimizer's state as named arrays, for checkpoints; empty for a stateless optimizer. A stateful optimizer
     * must override this and {@link #restore(Map)}, or a resumed run will not match an uninterrupted one.
     */
    default Map<String, double[]> state() {
        return Map.of();
    }

    /** Replaces the state with one returned by {@link #state()}. */
    default void restore(Map<String, double[]> state) {
        if (!state.isEmpty()) {
            throw new UnsupportedOperationException(getClass().getName() + " cannot restore optimizer state "
                    + state.keySet());
        }
    }
}
