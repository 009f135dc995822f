package io.github.bilevel.core.hypergradient;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.GradientCheck;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.MiniBatches;
import io.github.bilevel.support.solver.Momentum;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Mini-batch inner steps: reverse mode replays the forward pass's batches, so it matches finite differences of f_T. */
class MiniBatchHypergradientTest {
    private final Engine ops = new Engine(new ReferenceBackend(), DType.FLOAT64);

    /** Ridge regression on 40 rows with a learned L2 weight, batches of 8 rows. */
    static final class MiniBatchRidge implements Problem {
        final int n = 40;
        final int d = 6;
        final double[] x = new double[n * d];
        final double[] y = new double[n];
        final MiniBatches batches = new MiniBatches(n, 8, 99L);

        MiniBatchRidge() {
            Random rng = new Random(4);
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                y[i] = x[i * d] - x[i * d + 1] + 0.3 * rng.nextGaussian();
            }
        }

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            return List.of(HyperparameterSpec.scalar("l2", 0.7, Constraint.none()));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters h) {
            return List.of(ops.zeros(Shape.of(d, 1), ops.defaultDType()));
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> w, Hyperparameters h, int step) {
            int[] rows = batches.forStep(step);
            Tensor xb = ops.gatherRows(ops.constant(x, Shape.of(n, d)), rows);
            Tensor yb = ops.gatherRows(ops.constant(y, Shape.of(n, 1)), rows);
            Tensor fit = ops.mean(ops.square(ops.sub(ops.matmul(xb, w.get(0)), yb)));
            return ops.add(fit, ops.mul(h.get("l2"), ops.sum(ops.square(w.get(0)))));
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> w, Hyperparameters h) {
            Tensor r = ops.sub(ops.matmul(ops.constant(x, Shape.of(n, d)), w.get(0)), ops.constant(y, Shape.of(n, 1)));
            return ops.mean(ops.square(r));
        }
    }

    @Test
    void reverseAndForwardMatchFiniteDifferencesWithMiniBatches() {
        MiniBatchRidge p = new MiniBatchRidge();
        Momentum solver = new Momentum(0.05, 0.5, false);
        double reverse = HyperparameterValues.compute(ops, new ReverseMode(), p, solver, Map.of(), 30, Map.of()).get("l2")[0];
        double forward = HyperparameterValues.compute(ops, new ForwardMode(), p, solver, Map.of(), 30, Map.of()).get("l2")[0];
        double checkpointed = HyperparameterValues.compute(ops, new ReverseMode.Checkpointed(), p, solver, Map.of(), 30,
                Map.of("interval", "7")).get("l2")[0];
        double numeric = GradientCheck.numeric(ops, p, solver, HyperparameterValues.initial(p, solver), 30, "l2", 0, 1e-3);
        assertEquals(numeric, reverse, 1e-7 * Math.abs(numeric));
        assertEquals(reverse, forward, 1e-12 * Math.abs(reverse));
        assertEquals(Double.doubleToLongBits(reverse), Double.doubleToLongBits(checkpointed));
    }

    @Test
    void batchesDependOnTheStepAloneAndCoverEachEpoch() {
        MiniBatches b = new MiniBatches(10, 4, 1L);
        assertArrayEquals(b.forStep(5), new MiniBatches(10, 4, 1L).forStep(5));
        boolean[] seen = new boolean[10];
        for (int s = 0; s < 3; s++) {
            for (int i : b.forStep(s)) {
                seen[i] = true;
            }
        }
        for (boolean v : seen) {
            assertEquals(true, v);
        }
        assertEquals(2, b.forStep(2).length);
        assertThrows(IllegalArgumentException.class, () -> new MiniBatches(3, 4, 0));
    }
}
