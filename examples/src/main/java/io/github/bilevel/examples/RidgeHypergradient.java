package io.github.bilevel.examples;

import io.github.bilevel.api.HypergradientSpec;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.support.solver.GradientDescent;

/**
 * Prints the reverse-mode hypergradient dE/dλ of ridge regression (T = 200, float64) and its closed form on the
 * backend chosen at deploy time: {@code -Dbilevel.backend=nd4j|tensorflow}, {@code BILEVEL_BACKEND}, or the highest
 * priority among the backend jars present. The program names no backend.
 */
public final class RidgeHypergradient {
    private RidgeHypergradient() {
    }

    public static void main(String[] args) {
        RidgeRegressionProblem ridge = new RidgeRegressionProblem();
        try (BilevelRuntime rt = BilevelRuntime.builder().dtype(DType.FLOAT64).build()) {
            HypergradientSpec spec = HypergradientSpec.of(ridge, new GradientDescent(1.0 / ridge.lipschitzConstant(3.0)),
                    200).strategy("reverse").at(RidgeRegressionProblem.LAMBDA, 3.0);
            double g = rt.hypergradient(spec).get(RidgeRegressionProblem.LAMBDA)[0];
            System.out.printf("backend %s: dE/dlambda = %.17g (closed form at the inner optimum %.17g)%n",
                    rt.backendId(), g, ridge.closedFormHypergradient(3.0));
        }
    }
}
