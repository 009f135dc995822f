package io.github.bilevel.core.hypergradient;

import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.unroll.Dynamics;
import java.util.Map;

/**
 * {@code f_T(λ)} without derivatives, for finite differences. One-call hypergradients:
 * {@link HyperparameterValues#compute}.
 */
public final class Hypergradients {
    private Hypergradients() {
    }

    /** {@code f_T(λ)}: T inner steps without derivatives, then the outer objective. */
    public static double objective(Ops ops, Problem problem, InnerSolver solver, Map<String, double[]> values,
                                   int steps) {
        try (Scope s = ops.scope()) {
            Dynamics dyn = new Dynamics(ops, problem, solver, HyperparameterValues.tensors(ops, problem, solver, values));
            SolverState state = dyn.unrolled(steps);
            return dyn.outer(state).item();
        }
    }
}
