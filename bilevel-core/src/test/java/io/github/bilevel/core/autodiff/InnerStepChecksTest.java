package io.github.bilevel.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.NonFiniteValueException;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.support.ForwardingProblem;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Each inner step reads one number for its non-finite checks (the loss plus every gradient's sum); the quantity at
 * fault is still named, in compiled regions (recorded and replayed) as eagerly, and a total that only overflows stops
 * nothing.
 */
class InnerStepChecksTest {
    private static final RidgeRegressionProblem RIDGE = new RidgeRegressionProblem(20, 4, 1.0, 3L);
    private static final InnerSolver GD = new GradientDescent(0.01);
    /** One instance: a region is keyed by the strategy object among others. */
    private static final ReverseMode REVERSE = new ReverseMode();

    /**
     * Ridge whose gradient (not its loss) is NaN at one step while armed: the loss gains 0 · sqrt|c·w + c|, with c = 0
     * at that step (a 0/0 slope) and 1 elsewhere.
     */
    private static final class NaNSlope extends ForwardingProblem {
        private final int badStep;
        volatile boolean armed;

        NaNSlope(int badStep) {
            super(RIDGE);
            this.badStep = badStep;
        }

        @Override
        public String id() {
            return "nan-slope-ridge";
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
            Tensor loss = super.innerObjective(ops, params, hyper, step);
            Tensor w = params.get(0);
            // the same kernels either way, so that the armed runs replay the unarmed run's record
            double v = armed && step == badStep ? 0.0 : 1.0;
            Tensor c = ops.constant(new double[] {v, v, v, v}, Shape.of(4, 1)); // fed: the same record either way
            Tensor slope = ops.sum(ops.sqrt(ops.abs(ops.add(ops.mul(w, c), c))));
            return ops.add(ops.sub(loss, ops.mul(slope, 0.0)), ops.mul(slope, 0.0));
        }
    }

    private static Hypergradient compute(Engine engine, Problem p, InnerSolver solver, String compile) {
        return HyperparameterValues.compute(engine, REVERSE, p, solver, HyperparameterValues.initial(p,
                solver), 8, Map.of("compile", compile));
    }

    @Test
    void aNaNGradientUnderAFiniteLossIsNamedWithItsStepRecordedReplayedAndEagerly() {
        AtomicInteger compiles = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        Engine engine = new Engine(CompilingBackends.interpretingReference(compiles, runs), DType.FLOAT64);
        NaNSlope problem = new NaNSlope(5);
        compute(engine, problem, GD, "on");
        int compiled = compiles.get();
        assertTrue(compiled > 0, "the region was recorded and compiled");
        problem.armed = true;
        int ran = runs.get();
        for (String compile : List.of("on", "on", "off")) {
            NonFiniteValueException e = assertThrows(NonFiniteValueException.class,
                    () -> compute(engine, problem, GD, compile));
            assertEquals("gradient of inner parameter 0", e.quantity(), e.getMessage());
            assertEquals(5, e.innerStep());
            assertTrue(Double.isNaN(e.value()), e.getMessage());
        }
        assertEquals(compiled, compiles.get(), "the armed runs followed the record");
        assertTrue(runs.get() > ran, "the armed runs ran compiled segments");
    }

    /** Float32 ridge plus 2e38·(1 + w₀): loss and gradient stay finite, their sum does not. */
    private static final class LargeButFinite extends ForwardingProblem {
        LargeButFinite() {
            super(RIDGE);
        }

        @Override
        public String id() {
            return "large-ridge";
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
            Tensor w0 = ops.sum(ops.slice(params.get(0), new int[] {0, 0}, new int[] {1, 1}));
            return ops.add(super.innerObjective(ops, params, hyper, step), ops.mul(ops.add(w0, 1.0), 2e38));
        }
    }

    @Test
    void aTotalThatOnlyOverflowsStopsNothing() {
        Engine engine = new Engine(CompilingBackends.interpretingReference(new AtomicInteger(), new AtomicInteger()),
                DType.FLOAT32);
        InnerSolver tiny = GradientDescent.fixedRate(1e-41);
        for (String compile : List.of("on", "on", "off")) {
            Hypergradient g = compute(engine, new LargeButFinite(), tiny, compile);
            for (double v : g.get(RidgeRegressionProblem.LAMBDA)) {
                assertTrue(Double.isFinite(v), "hypergradient " + v);
            }
        }
        // the premise: at w = 0 the loss is about 2e38 and so is the gradient's sum; their float32 sum is not finite
        Tensor big = engine.constant(new float[] {2e38f}, Shape.of());
        assertTrue(Double.isInfinite(engine.add(big, big).item()));
    }
}
