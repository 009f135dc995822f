package io.github.bilevel.core.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.experiment.Progress;
import io.github.bilevel.api.outer.LearningRateSchedule;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.outer.FileCheckpointStore;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import io.github.bilevel.support.solver.GradientDescent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An experiment run by an embedder through {@link ExperimentHost}, without the command line. */
class ExperimentHostTest {

    /** Tunes ridge regression's λ by reverse-mode hypergradients, with Adam, in the phase "outer". */
    static class RidgeTuning implements Experiment {
        @Override
        public String id() {
            return "ridge-tuning";
        }

        @Override
        public String description() {
            return "a test experiment";
        }

        @Override
        public List<ConfigOption> options() {
            return List.of(ConfigOption.integer("iterations", 6, 1, 1000, "outer iterations"),
                    ConfigOption.integer("T", 15, 1, 1000, "inner steps"));
        }

        @Override
        public Map<String, Object> quickOverrides() {
            return Map.of("iterations", 2);
        }

        @Override
        public ExperimentResult run(ExperimentContext ctx) {
            List<String> columns = List.of("iteration", "objective");
            List<double[]> rows = ctx.history(columns);
            int iterations = ctx.config().getInt("iterations");
            try (Progress progress = ctx.progress("outer iterations", iterations)) {
                OuterLoop.Result r = OuterLoop.builder(ctx, "outer", rows)
                        .problem(new RidgeRegressionProblem(30, 5, 2.0, ctx.seed()))
                        .solver(new GradientDescent(0.01)).strategy(ctx.strategy("reverse"))
                        .innerSteps(ctx.config().getInt("T")).iterations(iterations)
                        .optimizer(OuterOptimizers.adam()).schedule(LearningRateSchedule.constant(0.1))
                        .listener(it -> {
                            rows.add(new double[] {it.index(), it.objective()});
                            progress.step("");
                        }).build().run();
                double lambda = r.values().get(RidgeRegressionProblem.LAMBDA)[0];
                ctx.log("lambda " + lambda);
                return new ExperimentResult(Map.of("lambda", lambda), columns, rows, List.of());
            }
        }
    }

    private static BilevelRuntime runtime() {
        return BilevelRuntime.builder().backendProviders(List.of(ReferenceBackend.provider())).dtype(DType.FLOAT64).threads(1)
                .selectionInputs(null, Map.of()).build();
    }

    /** What a host told its sinks. */
    static final class Seen implements ExperimentHost.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<String> phases = new CopyOnWriteArrayList<>();
        final List<Integer> checkpoints = new CopyOnWriteArrayList<>();

        ExperimentHost.Builder into(ExperimentHost.Builder b) {
            return b.log(messages::add).listener(this).progress((label, total) -> {
                phases.add(label + " " + total);
                return new Progress() {
                    @Override
                    public void step(String status) {
                    }

                    @Override
                    public void close() {
                    }
                };
            });
        }

        @Override
        public void checkpointWritten(String phase, int completed) {
            checkpoints.add(completed);
        }
    }

    @Test
    void runsAnExperimentWithCheckpointsPerPhaseAndContinuesFromThem(@TempDir Path dir) throws Exception {
        Experiment ridge = new RidgeTuning();
        ExperimentResult uninterrupted;
        try (BilevelRuntime rt = runtime()) {
            uninterrupted = ExperimentHost.builder(rt, ExperimentHost.defaults(ridge, false)).build().run(ridge);
        }
        assertEquals(6, uninterrupted.history().size());

        // Stopped after 4 of 6 iterations: a run of 4 writes the same checkpoints the first 4 of 6 would.
        Path folder = dir.resolve("run");
        Files.createDirectories(folder);
        Seen first = new Seen();
        ExperimentHost host;
        try (BilevelRuntime rt = runtime()) {
            host = first.into(ExperimentHost.builder(rt, new Config(Map.of("iterations", 4, "T", 15)))
                    .checkpoints(folder, 2)).build();
            assertFalse(host.checkpointWritten());
            host.run(ridge);
        }
        assertTrue(host.checkpointWritten() && host.progressStarted());
        assertEquals(List.of(2, 4), first.checkpoints, "every 2 iterations and at the end");
        assertEquals(List.of("outer iterations 4"), first.phases);
        assertEquals(4, FileCheckpointStore.read(folder.resolve("checkpoint-outer.json")).completed());
        assertThrows(IllegalStateException.class, () -> host.run(ridge), "one run per host");

        Seen second = new Seen();
        List<List<String>> historyColumns = new ArrayList<>();
        ExperimentResult resumed;
        try (BilevelRuntime rt = runtime()) {
            resumed = second.into(ExperimentHost.builder(rt, ExperimentHost.defaults(ridge, false))
                    .checkpoints(folder, 2).history(columns -> {
                        historyColumns.add(columns);
                        return new ArrayList<>();
                    })).build().run(ridge);
        }
        assertEquals(List.of(List.of("iteration", "objective")), historyColumns);
        assertEquals("continuing outer after outer iteration 3", second.messages.get(0), second.messages.toString());
        assertEquals(List.of(6), second.checkpoints);
        assertEquals(uninterrupted.results(), resumed.results(), "λ as after an uninterrupted run, bit for bit");
        assertEquals(uninterrupted.history().size(), resumed.history().size());
        for (int i = 0; i < resumed.history().size(); i++) {
            assertArrayEquals(uninterrupted.history().get(i), resumed.history().get(i), "row " + i);
        }
        assertEquals("lambda " + resumed.results().get("lambda"), second.messages.get(1));
    }

    @Test
    void quickDefaultsAndPhaseNamesAreChecked() throws Exception {
        assertEquals(2, ExperimentHost.defaults(new RidgeTuning(), true).getInt("iterations"));
        assertEquals(6, ExperimentHost.defaults(new RidgeTuning(), false).getInt("iterations"));
        Experiment badPhase = new RidgeTuning() {
            @Override
            public ExperimentResult run(ExperimentContext ctx) {
                ctx.checkpoints("no spaces");
                return null;
            }
        };
        try (BilevelRuntime rt = runtime()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExperimentHost
                    .builder(rt, ExperimentHost.defaults(badPhase, true)).build().run(badPhase));
            assertTrue(e.getMessage().contains("'no spaces'"), e.getMessage());
        }
    }
}
