package io.github.bilevel.core.hypergradient;

import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Convenience entry points working with hyperparameter values as plain arrays. */
public final class Hypergradients {
    private Hypergradients() {
    }

    /** The declared initial values, problem's then solver's. */
    public static Map<String, double[]> initialValues(Problem problem, InnerSolver solver) {
        Map<String, double[]> values = new LinkedHashMap<>();
        for (HyperparameterSpec h : Dynamics.declarations(problem, solver)) {
            values.put(h.name(), h.initial());
        }
        return values;
    }

    /**
     * Hyperparameter tensors of the engine's default dtype: {@code values} where given, the declared initial value
     * otherwise.
     *
     * @throws IllegalArgumentException if a value has the wrong length or names no declared hyperparameter
     */
    public static Hyperparameters tensors(Ops ops, Problem problem, InnerSolver solver, Map<String, double[]> values) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, double[]> unused = new LinkedHashMap<>(values);
        for (HyperparameterSpec h : Dynamics.declarations(problem, solver)) {
            double[] v = unused.remove(h.name());
            if (v == null) {
                v = h.initial();
            } else if (v.length != h.shape().size()) {
                throw new IllegalArgumentException("Hyperparameter '" + h.name() + "' has shape " + h.shape() + " ("
                        + h.shape().size() + " values) but " + v.length + " values were given");
            }
            tensors.put(h.name(), ops.constant(v, h.shape()));
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("Unknown hyperparameters " + unused.keySet() + "; declared: "
                    + initialValues(problem, solver).keySet());
        }
        return new Hyperparameters(tensors);
    }

    /** Computes a hypergradient; every tensor it creates is freed before it returns. */
    public static Hypergradient compute(Ops ops, HypergradientStrategy strategy, Problem problem, InnerSolver solver,
                                        Map<String, double[]> values, int steps, Map<String, String> options) {
        try (Scope s = ops.scope()) {
            Hyperparameters hyper = tensors(ops, problem, solver, values);
            return strategy.compute(new HypergradientRequest(ops, problem, solver, hyper, steps, options));
        }
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
