package io.github.bilevel.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.hypergradient.ForwardMode;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientDescentTest {
    private final Engine ops = new Engine(new ReferenceBackend(), DType.FLOAT64);
    private final RidgeRegressionProblem ridge = new RidgeRegressionProblem(20, 3, 1.5, 7L);

    @Test
    void aFixedRateIsNotAHyperparameterAndGivesTheSameDynamics() {
        GradientDescent tuned = new GradientDescent(0.02);
        GradientDescent fixed = GradientDescent.fixedRate(0.02);
        assertEquals(List.of(), fixed.hyperparameters());
        assertEquals("fixed-gd", fixed.id());
        assertEquals(1, tuned.hyperparameters().size());
        Map<String, double[]> lambda = Map.of(RidgeRegressionProblem.LAMBDA, new double[] {0.8});
        Map<String, double[]> withLr = Map.of(RidgeRegressionProblem.LAMBDA, new double[] {0.8},
                GradientDescent.LR, new double[] {0.02});
        for (var strategy : List.of(new ReverseMode(), new ForwardMode())) {
            Hypergradient a = HyperparameterValues.compute(ops, strategy, ridge, tuned, withLr, 15, Map.of());
            Hypergradient b = HyperparameterValues.compute(ops, strategy, ridge, fixed, lambda, 15, Map.of());
            assertEquals(a.outerObjective(), b.outerObjective(), 1e-12, strategy.id());
            assertArrayEquals(a.get(RidgeRegressionProblem.LAMBDA), b.get(RidgeRegressionProblem.LAMBDA), 1e-12,
                    strategy.id());
            assertEquals(List.of(RidgeRegressionProblem.LAMBDA), List.copyOf(b.gradients().keySet()), strategy.id());
        }
    }

    @Test
    void aRateThatIsNotPositiveIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GradientDescent.fixedRate(0));
        assertThrows(IllegalArgumentException.class, () -> GradientDescent.fixedRate(Double.NaN));
    }
}
