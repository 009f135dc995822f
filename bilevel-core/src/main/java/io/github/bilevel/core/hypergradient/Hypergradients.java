package io.github.bilevel.core.hypergradient;

import io.github.bilevel.api.HyperparameterValues;
import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import java.util.Map;

/** Convenience entry points working with hyperparameter values as plain arrays. */
public final class Hypergradients {
    private Hypergradients() {
    }

    /** The declared initial values, problem's then solver's. See {@link HyperparameterValues#initial}. */
    public static Map<String, double[]> initialValues(Problem problem, InnerSolver solver) {
        return HyperparameterValues.initial(problem, solver);
    }

    /** See {@link HyperparameterValues#tensors}. */
    public static Hyperparameters tensors(Ops ops, Problem problem, InnerSolver solver, Map<String, double[]> values) {
        return HyperparameterValues.tensors(ops, problem, solver, values);
    }

    /** Computes a hypergradient; every tensor it creates is freed before it returns. */
    public static Hypergradient compute(Ops ops, HypergradientStrategy strategy, Problem problem, InnerSolver solver,
                                        Map<String, double[]> values, int steps, Map<String, String> options) {
        return HyperparameterValues.compute(ops, strategy, problem, solver, values, steps, options);
    }

    /** {@code f_T(λ)}: T inner steps without derivatives, then the outer objective. */
    public static double objective(Ops ops, Problem problem, InnerSolver solver, Map<String, double[]> values,
                                   int steps) {
        try (Scope s = ops.scope()) {
            Dynamics dyn = new Dynamics(ops, problem, solver, tensors(ops, problem, solver, values));
            SolverState state;
            try (Scope init = ops.scope()) {
                state = Dynamics.keep(init, Dynamics.detach(dyn.initial()));
            }
            for (int t = 1; t <= steps; t++) {
                SolverState next = dyn.advance(state, t);
                Dynamics.close(state);
                state = next;
            }
            return dyn.outer(state).item();
        }
    }
}
