package io.github.bilevel.spark;

import io.github.bilevel.api.outer.LearningRateSchedule;
import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.task.TaskRecipe;
import io.github.bilevel.api.task.TravellingTasks;
import io.github.bilevel.core.outer.FileCheckpointStore;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.core.task.TaskWorker;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Short Omniglot meta-training runs on a small representation, for comparing executors. */
final class Runs {
    private Runs() {
    }

    /** Settings equal, another factory id (a test factory wrapping omniglot's). */
    static TaskRecipe withFactory(TaskRecipe r, String factory) {
        return new TaskRecipe(factory, r.seed(), r.settings());
    }

    /** 5-way 1-shot episodes, 5 queries, meta-batch {@code metaBatch}, 2 layers of 4 filters. */
    static TaskRecipe omniglot(long seed, int metaBatch) {
        return new TaskRecipe("omniglot-episodes", seed, Map.of("ways", "5", "shots", "1", "queries", "5",
                "meta_batch", String.valueOf(metaBatch), "filters", "4", "layers", "2"));
    }

    /** The pure-Java backend in float64, one thread: deterministic in any JVM. */
    static BilevelRuntime reference() {
        return BilevelRuntime.builder().backend("reference").dtype(io.github.bilevel.api.tensor.DType.FLOAT64)
                .threads(1).build();
    }

    /** The same objectives and the same bits of every final value. */
    static void assertSame(Outcome expected, Outcome actual) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.objectives(), actual.objectives());
        org.junit.jupiter.api.Assertions.assertEquals(expected.values().keySet(), actual.values().keySet());
        for (String name : expected.values().keySet()) {
            org.junit.jupiter.api.Assertions.assertTrue(java.util.Arrays.equals(expected.values().get(name),
                    actual.values().get(name)), name);
        }
    }

    /** The outer objective of each iteration and the final values of {@code iterations} outer iterations. */
    record Outcome(List<Double> objectives, Map<String, double[]> values) {
    }

    /** The run on the local executor with {@code threads} threads, the reference every Spark run is held to. */
    static Outcome trainLocally(BilevelRuntime rt, TaskRecipe recipe, int iterations, int threads) {
        try (TaskExecutor executor = new io.github.bilevel.core.outer.LocalTaskExecutor(threads)) {
            return train(rt, executor, recipe, iterations);
        }
    }

    static Outcome train(BilevelRuntime rt, TaskExecutor executor, TaskRecipe recipe, int iterations) {
        return train(rt, executor, recipe, iterations, null);
    }

    /** As above, checkpointing to (and continuing from) {@code checkpoint} when not null. */
    static Outcome train(BilevelRuntime rt, TaskExecutor executor, TaskRecipe recipe, int iterations,
                         java.nio.file.Path checkpoint) {
        TravellingTasks tasks = TravellingTasks.open(TaskWorker.factory(recipe.factory()), recipe);
        List<Double> objectives = new ArrayList<>();
        OuterLoop.Builder b = OuterLoop.builder().ops(rt.ops()).executor(executor).tasks(tasks)
                .solver(rt.newSolver("gd")).strategy(rt.strategy("reverse")).innerSteps(3).iterations(iterations)
                .optimizer(OuterOptimizers.adam()).schedule(LearningRateSchedule.constant(1e-3))
                .listener(it -> objectives.add(it.objective()));
        if (checkpoint == null) {
            return new Outcome(objectives, b.build().run().values());
        }
        try (FileCheckpointStore store = new FileCheckpointStore(checkpoint, 1)) {
            return new Outcome(objectives, b.checkpoints(store, new ArrayList<>()).build().run().values());
        }
    }
}
