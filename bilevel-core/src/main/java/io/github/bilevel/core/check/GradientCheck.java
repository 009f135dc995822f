package io.github.bilevel.core.check;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.hypergradient.Hypergradients;
import io.github.bilevel.support.HyperparameterValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a strategy's hypergradient with central finite differences of {@code f_T(λ)}, component by component: the
 * tool for debugging a new problem, solver or strategy. Run it in float64. The difference quotient is the fourth-order
 * central stencil with step {@code h·|λ_j|} ({@code h} where λ_j = 0).
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /**
     * One hyperparameter component.
     *
     * @param name     hyperparameter name
     * @param index    row-major element index
     * @param analytic the strategy's value
     * @param numeric  the finite-difference value
     */
    public record Component(String name, int index, double analytic, double numeric) {
        /** {@code |analytic − numeric| / max(|numeric|, atol)}. */
        public double relativeError(double atol) {
            return Math.abs(analytic - numeric) / Math.max(Math.abs(numeric), atol);
        }
    }

    /** Checks every component of every hyperparameter. */
    public static List<Component> check(Ops ops, HypergradientStrategy strategy, Problem problem, InnerSolver solver,
                                        Map<String, double[]> values, int steps, Map<String, String> options,
                                        double h) {
        Map<String, double[]> base = new LinkedHashMap<>(HyperparameterValues.initial(problem, solver));
        base.putAll(values);
        Hypergradient g = HyperparameterValues.compute(ops, strategy, problem, solver, base, steps, options);
        List<Component> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : base.entrySet()) {
            double[] analytic = g.get(e.getKey());
            for (int j = 0; j < analytic.length; j++) {
                out.add(new Component(e.getKey(), j, analytic[j],
                        numeric(ops, problem, solver, base, steps, e.getKey(), j, h)));
            }
        }
        return out;
    }

    /** {@code ∂f_T/∂λ_{name}[j]} by the fourth-order central stencil. */
    public static double numeric(Ops ops, Problem problem, InnerSolver solver, Map<String, double[]> values, int steps,
                                 String name, int j, double h) {
        double at = Math.abs(values.get(name)[j]);
        double step = h * (at > 0 ? at : 1.0);
        double[] f = new double[4];
        double[] offsets = {2, 1, -1, -2};
        for (int k = 0; k < 4; k++) {
            Map<String, double[]> shifted = new LinkedHashMap<>(values);
            double[] v = values.get(name).clone();
            v[j] += offsets[k] * step;
            shifted.put(name, v);
            f[k] = Hypergradients.objective(ops, problem, solver, shifted, steps);
        }
        return (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * step);
    }
}
