package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.tensor.Ops;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a hypergradient strategy needs: the problem, the solver, the number of inner steps T and the current
 * hyperparameter values (problem's and solver's together).
 *
 * @param options strategy-specific settings (for example {@code truncate=10}); never null
 */
@API(status = STABLE, since = "0.1")
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

    /**
     * A whole-number option of at least 1, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException naming the option and quoting the value if it is not a whole number >= 1
     */
    public int intOption(String name, int fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= 1) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Option " + name + "='" + v + "' must be a whole number >= 1");
    }

    /**
     * A positive finite number option, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException naming the option and quoting the value if it is not a positive number
     */
    public double doubleOption(String name, double fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Option " + name + "='" + v + "' must be a positive number");
    }
}
