package io.github.bilevel.core.hypergradient;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.GradientCheck;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.Adam;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearnedInitializationTest {
    private final Engine ops = new Engine(new ReferenceBackend(), DType.FLOAT64);

    /** {@code w_0 = init} is the hyperparameter (a learned initialization, as in MAML-style meta-learning). */
    static final class LearnedStart implements Problem {
        private static final double[] TARGET = {1.0, -2.0, 0.5};
        private static final double[] VALID = {0.8, -1.5, 0.7};

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            return List.of(new HyperparameterSpec("init", Shape.of(3), new double[] {0.3, 0.1, -0.2}, Constraint.none()));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters h) {
            return List.of(ops.mul(h.get("init"), 1.0));
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> w, Hyperparameters h, int step) {
            Tensor d = ops.sub(w.get(0), ops.constant(TARGET, Shape.of(3)));
            return ops.sum(ops.mul(ops.square(d), ops.add(ops.exp(ops.mul(w.get(0), 0.3)), 1.0)));
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> w, Hyperparameters h) {
            return ops.sum(ops.square(ops.sub(w.get(0), ops.constant(VALID, Shape.of(3)))));
        }
    }

    @Test
    void hypergradientFlowsThroughTheInitialState() {
        LearnedStart p = new LearnedStart();
        for (var solver : List.of(new GradientDescent(0.05), new Adam(0.05, 0.9, 0.99, 1e-8))) {
            for (var strategy : List.of(new ReverseMode(), new ForwardMode())) {
                for (GradientCheck.Component c : GradientCheck.check(ops, strategy, p, solver, Map.of(), 15, Map.of(),
                        1e-3)) {
                    assertEquals(c.numeric(), c.analytic(), 1e-12 + 1e-7 * Math.abs(c.numeric()),
                            solver.id() + "/" + strategy.id() + " " + c);
                }
            }
        }
    }

    @Test
    void realTimeForwardModeImprovesTheHyperparameterDuringOneRun() {
        RidgeRegressionProblem ridge = new RidgeRegressionProblem();
        GradientDescent gd = new GradientDescent(1.0 / ridge.lipschitzConstant(3.0));
        List<Double> lambdas = new ArrayList<>();
        double[] lambda = {3.0};
        Hyperparameters hyper = HyperparameterValues.tensors(ops, ridge, gd, Map.of());
        new ForwardMode().runRealTime(new HypergradientRequest(ops, ridge, gd, hyper, 200, Map.of()), (t, g) -> {
            lambda[0] = Math.max(0, lambda[0] - 0.5 * g.get("lambda")[0]);
            lambdas.add(lambda[0]);
            return Map.of("lambda", lambda.clone());
        });
        assertEquals(200, lambdas.size());
        double before = Math.abs(ridge.closedFormHypergradient(3.0));
        double after = Math.abs(ridge.closedFormHypergradient(lambda[0]));
        assertTrue(after < 0.5 * before, "λ " + 3.0 + " -> " + lambda[0] + ", |dE/dλ| " + before + " -> " + after);
    }
}
