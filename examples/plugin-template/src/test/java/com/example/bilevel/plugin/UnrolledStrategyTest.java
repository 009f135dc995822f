package com.example.bilevel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.GradientCheck;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The strategy against closed forms and finite differences, in float64 on the reference backend. */
class UnrolledStrategyTest {
    private final UnrolledStrategy unrolled = new UnrolledStrategy();

    @Test
    void ridgeHypergradientMatchesTheClosedFormAtTheInnerOptimum() {
        RidgeRegressionProblem ridge = new RidgeRegressionProblem();
        GradientDescent gd = GradientDescent.fixedRate(1.0 / ridge.lipschitzConstant(3.0));
        try (Engine ops = new Engine(new ReferenceBackend(), DType.FLOAT64)) {
            double g = HyperparameterValues.compute(ops, unrolled, ridge, gd, Map.of(), 500, Map.of())
                    .get(RidgeRegressionProblem.LAMBDA)[0];
            double closed = ridge.closedFormHypergradient(3.0);
            assertEquals(closed, g, 1e-9 * Math.abs(closed), "unrolled vs closed form at T=500");
        }
    }

    @Test
    void generatedRidgeHypergradientAndLearningRateGradientMatchCentralDifferences() {
        RidgeTuning.Ridge ridge = RidgeTuning.generate(30, 8, 0.5, 0.3, 11);
        GradientDescent gd = new GradientDescent(1.0 / (ridge.lipschitz() + 0.3)); // gd.lr is a hyperparameter too
        try (Engine ops = new Engine(new ReferenceBackend(), DType.FLOAT64)) {
            List<GradientCheck.Component> components = GradientCheck.check(ops, unrolled, ridge, gd, Map.of(), 30,
                    Map.of(), 1e-3);
            assertEquals(2, components.size(), components.toString());
            for (GradientCheck.Component c : components) {
                assertTrue(c.relativeError(1e-8) < 1e-7, c.toString());
            }
        }
    }

    @Test
    void unknownOptionIsRefusedByName() {
        RidgeRegressionProblem ridge = new RidgeRegressionProblem();
        try (Engine ops = new Engine(new ReferenceBackend(), DType.FLOAT64)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HyperparameterValues
                    .compute(ops, unrolled, ridge, new GradientDescent(0.01), Map.of(), 5, Map.of("truncate", "3")));
            assertTrue(e.getMessage().contains("truncate"), e.getMessage());
        }
    }

    @Test
    void discoveredThroughServiceLoader() {
        assertTrue(ServiceLoader.load(HypergradientStrategy.class).stream()
                .anyMatch(p -> p.type() == UnrolledStrategy.class));
    }
}
