package io.github.bilevel.core.outer;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.outer.LearningRateSchedule;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import io.github.bilevel.support.outer.Projection;
import io.github.bilevel.support.solver.GradientDescent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


class OuterLoopTest {
    private final Engine ops = new Engine(new ReferenceBackend(), DType.FLOAT64);
    private final RidgeRegressionProblem ridge = new RidgeRegressionProblem();
    private final InnerSolver gd = new GradientDescent(1.0 / ridge.lipschitzConstant(3.0));

    @Test
    void ridgeOuterLoopDescendsToAStationaryRegularization() {
        List<OuterLoop.Iteration> seen = new ArrayList<>();
        OuterLoop.Result r = OuterLoop.builder().ops(ops).problem(ridge).solver(gd).strategy(new ReverseMode())
                .innerSteps(200).iterations(60).optimizer(OuterOptimizers.adam())
                .schedule(LearningRateSchedule.constant(0.2)).freeze(GradientDescent.LR).listener(seen::add).build()
                .run();
        assertEquals(60, seen.size());
        double lambda = r.values().get(RidgeRegressionProblem.LAMBDA)[0];
        double first = seen.get(0).objective();
        double last = seen.get(59).objective();
        assertTrue(last < first, "validation loss did not fall: " + first + " -> " + last);
        double g0 = Math.abs(ridge.closedFormHypergradient(3.0));
        double gEnd = Math.abs(ridge.closedFormHypergradient(lambda));
        assertTrue(gEnd < 0.05 * g0, "not near a stationary point: |dE/dλ| " + g0 + " -> " + gEnd + " at λ=" + lambda);
        assertEquals(1.0 / ridge.lipschitzConstant(3.0), r.values().get(GradientDescent.LR)[0], 0.0, "frozen");
    }

    @Test
    void metaBatchHypergradientIsTheSumOverTasksComputedInParallel() {
        Problem a = new RidgeRegressionProblem(30, 5, 2.0, 1L);
        Problem b = new RidgeRegressionProblem(30, 5, 2.0, 2L);
        InnerSolver solver = new GradientDescent(0.005);
        List<OuterLoop.Iteration> seen = new ArrayList<>();
        try (LocalTaskExecutor pool = new LocalTaskExecutor(2)) {
            OuterLoop.builder().ops(ops).tasks(k -> List.of(a, b)).solver(solver).strategy(new ReverseMode())
                    .innerSteps(20).iterations(1).optimizer(OuterOptimizers.sgd()).executor(pool).listener(seen::add)
                    .build().run();
        }
        Hypergradient ga = HyperparameterValues.compute(ops, new ReverseMode(), a, solver, Map.of(), 20, Map.of());
        Hypergradient gb = HyperparameterValues.compute(ops, new ReverseMode(), b, solver, Map.of(), 20, Map.of());
        double expected = ga.get("lambda")[0] + gb.get("lambda")[0];
        assertEquals(expected, seen.get(0).hypergradient().get("lambda")[0], 1e-12 * Math.abs(expected));
        assertEquals(0, ops.memory().liveBytes(), "tensors left behind by the tasks");
    }

    @Test
    void projectionOntoBoxWithSumBoundIsFeasibleAndOptimal() {
        Random rng = new Random(3);
        Constraint c = new Constraint.BoxWithSumBound(0, 1, 5);
        for (int trial = 0; trial < 50; trial++) {
            double[] x = new double[20];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextGaussian() + 0.5;
            }
            double[] p = Projection.project(c, x);
            double sum = 0;
            for (double v : p) {
                assertTrue(v >= 0 && v <= 1);
                sum += v;
            }
            assertTrue(sum <= 5 + 1e-9, "sum " + sum);
            // optimality: coordinates strictly inside (0, 1) are all shifted by one common τ >= 0
            Double tau = null;
            for (int i = 0; i < x.length; i++) {
                if (p[i] > 1e-12 && p[i] < 1 - 1e-12) {
                    double t = x[i] - p[i];
                    if (tau == null) {
                        tau = t;
                    }
                    assertEquals(tau, t, 1e-9);
                    assertTrue(t >= -1e-12);
                }
            }
            assertArrayEquals(p, Projection.project(c, p), 1e-9, "projection is idempotent");
        }
        assertArrayEquals(new double[] {0, 0.5, 1}, Projection.project(Constraint.box(0, 1), new double[] {-1, 0.5, 3}));
    }

    @Test
    void schedules() {
        assertEquals(0.1, LearningRateSchedule.constant(0.1).at(7));
        assertEquals(0.025, LearningRateSchedule.step(0.1, 10, 0.5).at(25), 1e-15);
        assertEquals(0.1 * Math.pow(0.9, 3), LearningRateSchedule.exponential(0.1, 0.9).at(3), 1e-15);
        assertEquals(0.1 / 1.5, LearningRateSchedule.inverse(0.1, 0.05).at(10), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1));
    }

    @Test
    void hyperparameterFileRoundTripsAndRejectsBadInput(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("h.json");
        HyperparameterFile.write(f, Map.of("lambda", new double[] {2.5}, "w", new double[] {1, -2, 3.25}));
        Map<String, double[]> back = HyperparameterFile.read(f);
        assertArrayEquals(new double[] {2.5}, back.get("lambda"));
        assertArrayEquals(new double[] {1, -2, 3.25}, back.get("w"));
        Files.writeString(f, "{\"format\": \"bilevel-hyperparameters\", \"version\": 1, \"hyperparameters\": {\"a\": [1, \"x\"]}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HyperparameterFile.read(f));
        assertTrue(e.getMessage().contains("'a' element 1 is not a number"), e.getMessage());
        Files.writeString(f, "{not json");
        assertThrows(IllegalArgumentException.class, () -> HyperparameterFile.read(f));
        assertThrows(IllegalArgumentException.class,
                () -> HyperparameterFile.write(f, Map.of("bad", new double[] {Double.NaN})));
    }
}
