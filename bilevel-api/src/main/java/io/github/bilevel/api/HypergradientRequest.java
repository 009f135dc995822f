package io.github.bilevel.api;

import io.github.bilevel.api.tensor.Ops;
import java.util.Map;
import java.util.Objects;

/**
 * What a hypergradient strategy needs: the problem, the solver, the number of inner steps T and the current
 * hyperparameter values (problem's and solver's together).
 *
 * @param options strategy-specific settings (for example {@code truncate=10}); never null
 */
public record HypergradientRequest(Ops ops, Problem problem, InnerSolver solver, Hyperparameters hyper, int steps,
                                   Map<String, String> options) {
    public HypergradientRequest {
        Objects.requireNonNull(ops, "ops");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(solver, "solver");
        Objects.requireNonNull(hyper, "hyper");
        options = Map.copyOf(options);
        if (steps < 0) {
            throw new IllegalArgumentException("The number of inner steps T must be >= 0, got " + steps);
        }
    }
}
