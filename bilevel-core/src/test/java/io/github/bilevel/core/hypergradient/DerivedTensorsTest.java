package io.github.bilevel.core.hypergradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.HyperparameterValues;
import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.GradientCheck;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.core.solver.GradientDescent;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A representation computed once per hypergradient ({@link Problem#derived}): reverse mode, which stops the inner
 * derivatives at the derived tensors and pulls their cotangents back once, must agree with forward mode (derivatives
 * through the representation at every step) and with central differences of f_T.
 */
class DerivedTensorsTest {
    private static final int N = 12;
    private static final int D = 4;
    private static final int K = 3;

    /** Ridge regression on features tanh(X A), with the map A (D × K) as the hyperparameter. */
    static class RepresentationRidge implements Problem {
        private final double[] x = new double[N * D];
        private final double[] xv = new double[N * D];
        private final double[] y = new double[N];
        private final double[] yv = new double[N];
        private final double[] a0 = new double[D * K];

        RepresentationRidge(long seed) {
            Random r = new Random(seed);
            for (double[] v : List.of(x, xv, y, yv, a0)) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.nextGaussian() * 0.7;
                }
            }
        }

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            return List.of(new HyperparameterSpec("A", Shape.of(D, K), a0, new Constraint.Unconstrained()));
        }

        @Override
        public Map<String, Tensor> derived(Ops ops, Hyperparameters hyper) {
            Tensor a = hyper.get("A");
            return Map.of("train", ops.tanh(ops.matmul(ops.constant(x, Shape.of(N, D)), a)),
                    "validation", ops.tanh(ops.matmul(ops.constant(xv, Shape.of(N, D)), a)));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
            return List.of(ops.zeros(Shape.of(K, 1), ops.defaultDType()));
        }

        private static Tensor residual(Ops ops, Tensor f, Tensor w, double[] target) {
            return ops.sub(ops.matmul(f, w), ops.constant(target, Shape.of(N, 1)));
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
            Tensor w = params.get(0);
            return ops.add(ops.mul(ops.sum(ops.square(residual(ops, hyper.get("train"), w, y))), 0.5),
                    ops.mul(ops.sum(ops.square(w)), 0.05));
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
            return ops.mul(ops.sum(ops.square(residual(ops, hyper.get("validation"), params.get(0), yv))), 0.5);
        }
    }

    @Test
    void reverseModeThroughARepresentationComputedOnceMatchesForwardModeAndFiniteDifferences() {
        Ops ops = new Engine(new ReferenceBackend(), DType.FLOAT64);
        RepresentationRidge p = new RepresentationRidge(9);
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
        RepresentationRidge p = new RepresentationRidge(1) {
            @Override
            public Map<String, Tensor> derived(Ops o, Hyperparameters hyper) {
                return Map.of("A", hyper.get("A"));
            }
        };
        GradientDescent gd = new GradientDescent(0.05);
        assertThrows(IllegalArgumentException.class, () -> HyperparameterValues.compute(ops, new ReverseMode(), p, gd,
                HyperparameterValues.initial(p, gd), 3, Map.of()));
    }
}
