package io.github.bilevel.core.hypergradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.GradientCheck;
import io.github.bilevel.core.check.RepresentationRidgeProblem;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A representation computed once per hypergradient ({@link Problem#derived}): reverse mode, which stops the inner
 * derivatives at the derived tensors and pulls their cotangents back once, must agree with forward mode (derivatives
 * through the representation at every step) and with central differences of f_T.
 */
class DerivedTensorsTest {
    @Test
    void reverseModeThroughARepresentationComputedOnceMatchesForwardModeAndFiniteDifferences() {
        Ops ops = new Engine(new ReferenceBackend(), DType.FLOAT64);
        RepresentationRidgeProblem p = new RepresentationRidgeProblem(9, 0.1);
        GradientDescent gd = new GradientDescent(0.05);
        Map<String, double[]> values = HyperparameterValues.initial(p, gd);
        Hypergradient rev = HyperparameterValues.compute(ops, new ReverseMode(), p, gd, values, 15, Map.of());
        Hypergradient fwd = HyperparameterValues.compute(ops, new ForwardMode(), p, gd, values, 15, Map.of());
        Hypergradient graphs = HyperparameterValues.compute(ops, new ReverseMode(), p, gd, values, 15,
                Map.of("store", "graphs"));
        assertEquals(List.of("A", "gd.lr"), List.copyOf(rev.gradients().keySet()), "derived tensors are not reported");
        for (String name : List.of("A", "gd.lr")) {
            for (int j = 0; j < rev.get(name).length; j++) {
                double r = rev.get(name)[j];
                assertEquals(fwd.get(name)[j], r, 1e-11 * Math.max(1, Math.abs(r)), name + "[" + j + "]");
                assertEquals(graphs.get(name)[j], r, 1e-12 * Math.max(1, Math.abs(r)), name + "[" + j + "]");
            }
        }
        for (GradientCheck.Component c : GradientCheck.check(ops, new ReverseMode(), p, gd, values, 15, Map.of(),
                1e-4)) {
            assertTrue(c.relativeError(1e-8) < 1e-6, c.toString());
        }
        assertEquals(0, ops.memory().liveBytes());
    }

    @Test
    void aDerivedTensorMayNotShadowAHyperparameter() {
        Ops ops = new Engine(new ReferenceBackend(), DType.FLOAT64);
        RepresentationRidgeProblem base = new RepresentationRidgeProblem(1, 0.1);
        Problem p = new Problem() {
            @Override
            public List<HyperparameterSpec> hyperparameters() {
                return base.hyperparameters();
            }

            @Override
            public Map<String, Tensor> derived(Ops o, Hyperparameters hyper) {
                return Map.of("A", hyper.get("A"));
            }

            @Override
            public List<Tensor> initialParameters(Ops o, Hyperparameters hyper) {
                return base.initialParameters(o, hyper);
            }

            @Override
            public Tensor innerObjective(Ops o, List<Tensor> params, Hyperparameters hyper, int step) {
                return base.innerObjective(o, params, hyper, step);
            }

            @Override
            public Tensor outerObjective(Ops o, List<Tensor> params, Hyperparameters hyper) {
                return base.outerObjective(o, params, hyper);
            }
        };
        GradientDescent gd = new GradientDescent(0.05);
        assertThrows(IllegalArgumentException.class, () -> HyperparameterValues.compute(ops, new ReverseMode(), p, gd,
                HyperparameterValues.initial(p, gd), 3, Map.of()));
    }
}
