package io.github.bilevel.support.solver;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;

/** Shared validation for the built-in solvers. */
final class SolverSupport {
    private SolverSupport() {
    }

    static HyperparameterSpec positive(String name, double initial) {
        if (!(initial > 0)) {
            throw new IllegalArgumentException(name + " must be > 0, got " + initial);
        }
        return HyperparameterSpec.scalar(name, initial, Constraint.box(1e-12, Double.MAX_VALUE));
    }

    static HyperparameterSpec unitInterval(String name, double initial) {
        if (!(initial >= 0 && initial < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + initial);
        }
        return HyperparameterSpec.scalar(name, initial, Constraint.box(0.0, 0.999999));
    }
}
