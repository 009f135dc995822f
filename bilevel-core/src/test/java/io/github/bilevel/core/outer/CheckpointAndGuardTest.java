package io.github.bilevel.core.outer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.NonFiniteValueException;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.outer.LearningRateSchedule;
import io.github.bilevel.api.outer.NonFinitePolicy;
import io.github.bilevel.api.outer.OuterOptimizer;
import io.github.bilevel.api.outer.OuterState;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.ForwardingProblem;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import io.github.bilevel.support.solver.GradientDescent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointAndGuardTest {
    private final Engine ops = new Engine(new ReferenceBackend(), DType.FLOAT64);
    private final RidgeRegressionProblem ridge = new RidgeRegressionProblem(30, 5, 2.0, 7L);
    private final InnerSolver gd = new GradientDescent(0.01);

    private OuterLoop.Builder loop(Problem p, int iterations) {
        return OuterLoop.builder().ops(ops).problem(p).solver(gd).strategy(new ReverseMode()).innerSteps(15)
                .iterations(iterations).optimizer(OuterOptimizers.adam()).schedule(LearningRateSchedule.constant(0.1));
    }

    @Test
    void aRunStoppedAndResumedFromItsCheckpointEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir)
            throws Exception {
        List<double[]> fullRows = new ArrayList<>();
        OuterLoop.Result full = loop(ridge, 12).listener(it -> fullRows.add(new double[] {it.index(), it.objective()}))
                .build().run();

        Path file = dir.resolve("checkpoint.json");
        List<double[]> rows = new ArrayList<>();
        try (FileCheckpointStore store = new FileCheckpointStore(file, 5)) {
            // "Killed" after 7 iterations: the file holds iteration 5, the in-memory state 7 is lost.
            loop(ridge, 7).checkpoints(store, rows).listener(it -> rows.add(new double[] {it.index(), it.objective()}))
                    .build().run();
        }
        // The last write was the end of the shorter run (7), so rewind the file to iteration 5 by replaying.
        List<double[]> rows5 = new ArrayList<>();
        try (FileCheckpointStore store = new FileCheckpointStore(file, 5)) {
            Files.delete(file);
            loop(ridge, 5).checkpoints(store, rows5).listener(it -> rows5.add(new double[] {it.index(),
                    it.objective()})).build().run();
        }
        assertEquals(5, FileCheckpointStore.read(file).completed());

        List<double[]> resumedRows = new ArrayList<>();
        OuterLoop.Result resumed;
        try (FileCheckpointStore store = new FileCheckpointStore(file, 5)) {
            resumed = loop(ridge, 12).checkpoints(store, resumedRows)
                    .listener(it -> resumedRows.add(new double[] {it.index(), it.objective()})).build().run();
        }
        assertEquals(5, resumed.resumedAt());
        assertEquals(7, resumed.history().size());
        for (String name : full.values().keySet()) {
            assertArrayEquals(full.values().get(name), resumed.values().get(name), 0.0, name);
        }
        assertEquals(fullRows.size(), resumedRows.size(), "metrics restored and continued");
        for (int i = 0; i < fullRows.size(); i++) {
            assertArrayEquals(fullRows.get(i), resumedRows.get(i), 0.0, "row " + i);
        }
        assertEquals(12, FileCheckpointStore.read(file).completed(), "the end is always written");
    }

    @Test
    void anEarlyStopIsCheckpointedAndExtrasComeBackOnResume(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("checkpoint.json");
        List<double[]> rows = new ArrayList<>();
        Map<String, double[]> extras = new java.util.LinkedHashMap<>();
        try (FileCheckpointStore store = new FileCheckpointStore(file, 100)) {
            OuterLoop.Result r = loop(ridge, 50).checkpoints(store, rows).extras(extras)
                    .listener(it -> {
                        rows.add(new double[] {it.index()});
                        extras.put("best", new double[] {it.index(), it.objective()});
                    })
                    .until(() -> rows.size() >= 3).build().run();
            assertEquals(3, r.history().size(), "stopped after the third iteration");
        }
        OuterState saved = FileCheckpointStore.read(file);
        assertEquals(3, saved.completed(), "the early stop is written although the interval is 100");
        assertArrayEquals(extras.get("best"), saved.extras().get("best"), 0.0);

        Map<String, double[]> restored = new java.util.LinkedHashMap<>();
        List<double[]> rows2 = new ArrayList<>();
        try (FileCheckpointStore store = new FileCheckpointStore(file, 100)) {
            OuterLoop.Result r = loop(ridge, 5).checkpoints(store, rows2).extras(restored)
                    .listener(it -> rows2.add(new double[] {it.index()})).build().run();
            assertEquals(3, r.resumedAt());
            assertEquals(2, r.history().size());
        }
        assertArrayEquals(extras.get("best"), restored.get("best"), 0.0, "extras restored in place");
        assertEquals(5, rows2.size(), "3 restored rows and 2 new ones");
    }

    @Test
    void adamStateRoundTripsExactly() {
        OuterOptimizer a = OuterOptimizers.adam();
        double[] x = {1, -2, 3};
        for (int k = 0; k < 3; k++) {
            x = a.step("x", x, new double[] {0.3, -0.1 * k, 2.5}, 0.1);
        }
        OuterOptimizer b = OuterOptimizers.adam();
        b.restore(a.state());
        double[] g = {0.7, 0.2, -1.1};
        assertArrayEquals(a.step("x", x, g, 0.05), b.step("x", x, g, 0.05), 0.0);
        assertThrows(IllegalArgumentException.class, () -> OuterOptimizers.adam().restore(Map.of("x#m",
                new double[] {1})), "incomplete state");
        assertThrows(UnsupportedOperationException.class, () -> ((OuterOptimizer) (n, v, gr, lr) -> v)
                .restore(Map.of("k", new double[1])));
    }

    /** Ridge whose inner loss is NaN at one inner step while armed; a listener arms it for one outer iteration. */
    private static final class PoisonedRidge extends ForwardingProblem {
        private final int badIteration;
        private final int badStep;
        private volatile boolean armed;

        PoisonedRidge(RidgeRegressionProblem base, int badIteration, int badStep) {
            super(base);
            this.badIteration = badIteration;
            this.badStep = badStep;
        }

        /** Arms the poison for iteration {@code badIteration} only. */
        void after(OuterLoop.Iteration it) {
            armed = it.index() == badIteration - 1;
        }

        @Override
        public String id() {
            return "poisoned-ridge";
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
            Tensor loss = super.innerObjective(ops, params, hyper, step);
            return armed && step == badStep ? ops.mul(loss, Double.NaN) : loss;
        }
    }

    @Test
    void aNaNInTheInnerLossIsReportedWithItsStepAndTheLastCheckpointStaysValid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("checkpoint.json");
        List<double[]> rows = new ArrayList<>();
        NonFiniteValueException e;
        try (FileCheckpointStore store = new FileCheckpointStore(file, 2)) {
            PoisonedRidge poisoned = new PoisonedRidge(ridge, 5, 9);
            e = assertThrows(NonFiniteValueException.class, () -> loop(poisoned, 10).checkpoints(store, rows)
                    .listener(it -> rows.add(new double[] {it.objective()})).listener(poisoned::after).build().run());
        }
        assertEquals("inner loss", e.quantity());
        assertEquals(9, e.innerStep());
        assertEquals(5, e.outerIteration());
        assertTrue(e.getMessage().contains("outer iteration 5") && e.getMessage().contains("inner step 9"),
                e.getMessage());
        OuterState last = FileCheckpointStore.read(file);
        assertEquals(4, last.completed(), "checkpoint of iteration 4 (every 2) untouched");
        assertNull(last.firstNonFinite());
        assertEquals(4, last.metrics().size());
        assertTrue(Double.isFinite(last.values().get("lambda")[0]));
    }

    @Test
    void skipPolicyDropsTheUpdateAndHalvesTheLearningRate() {
        List<OuterLoop.Iteration> seen = new ArrayList<>();
        PoisonedRidge poisoned = new PoisonedRidge(ridge, 2, 0);
        OuterLoop.Result r = loop(poisoned, 5).onNonFinite(NonFinitePolicy.SKIP_AND_HALVE).listener(seen::add)
                .listener(poisoned::after).build().run();
        assertNull(seen.get(1).skipped());
        assertTrue(seen.get(2).skipped().contains("outer iteration 2"), seen.get(2).skipped());
        assertArrayEquals(seen.get(1).values().get("lambda"), seen.get(2).values().get("lambda"), 0.0,
                "no update on the skipped iteration");
        assertEquals(0.1, seen.get(1).learningRate(), 0.0);
        assertEquals(0.05, seen.get(3).learningRate(), 0.0);
        assertTrue(Double.isFinite(r.values().get("lambda")[0]));
    }

    @Test
    void storeRefusesNonFiniteStatesAndRejectsDamagedFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.json");
        try (FileCheckpointStore store = new FileCheckpointStore(file, 1)) {
            OuterState bad = new OuterState(1, Map.of("x", new double[] {Double.NaN}), Map.of(), 1, List.of());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.iterationCompleted(bad));
            assertTrue(e.getMessage().contains("x[0] = NaN"), e.getMessage());
            assertFalse(Files.exists(file));
            double tricky = 0.1 + 0.2;
            store.iterationCompleted(new OuterState(1, Map.of("x", new double[] {tricky, Double.MIN_VALUE, -0.0}),
                    Map.of(), 0.25, List.of(new double[] {Double.NaN, 1.5})));
            OuterState back = store.latest().orElseThrow();
            assertArrayEquals(new double[] {tricky, Double.MIN_VALUE, -0.0}, back.values().get("x"), 0.0);
            assertEquals(0.25, back.learningRateScale());
            assertTrue(Double.isNaN(back.metrics().get(0)[0]));
        }
        Path leftover = dir.resolve("c.json.123.tmp");
        Files.writeString(leftover, "{\"half");
        Files.writeString(file, "{\"format\": \"bilevel-checkpoint\", \"version\": 1, \"completed\": 3");
        try (FileCheckpointStore store = new FileCheckpointStore(file, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, store::latest);
            assertTrue(e.getMessage().contains("not a valid checkpoint"), e.getMessage());
        }
        assertFalse(Files.exists(leftover), "temporary files of a killed writer are removed");
        Files.writeString(file, "{\"format\": \"bilevel-checkpoint\", \"version\": 1, \"completed\": 3, "
                + "\"learning_rate_scale\": 1, \"values\": {\"x\": [1e999]}, \"optimizer\": {}, \"metrics\": []}");
        assertThrows(IllegalArgumentException.class, () -> FileCheckpointStore.read(file));
        assertThrows(IllegalArgumentException.class, () -> new FileCheckpointStore(file, 0));
    }
}
