package io.github.bilevel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.task.ExecutorSettings;
import io.github.bilevel.api.task.TaskRecipe;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spark executor on a local[2] master against the local executor, on the pure-Java backend in float64. */
class LocalSparkTest {

    @Test
    void metaBatchesOnLocalSparkEqualTheLocalExecutorsBitForBit() {
        TaskRecipe recipe = Runs.omniglot(5, 8);
        try (BilevelRuntime rt = Runs.reference()) {
            Runs.Outcome local = Runs.trainLocally(rt, recipe, 3, 2);
            Runs.Outcome spark;
            Runs.Outcome perTask;
            double sumBytes;
            double perTaskBytes;
            try (SparkTaskExecutor executor = (SparkTaskExecutor) new SparkExecutorProvider().create(
                    new ExecutorSettings("reference", "float64", 1, Map.of(SparkTaskExecutor.MASTER, "local[2]")))) {
                spark = Runs.train(rt, executor, recipe, 3);
                sumBytes = executor.stats().resultBytesPerIteration();
                // the same run with every episode's hypergradient sent back, added on the driver
                perTask = Runs.train(rt, new TaskExecutor() {
                    @Override
                    public String id() {
                        return "per-task";
                    }

                    @Override
                    public <T> java.util.List<T> invokeAll(java.util.List<java.util.concurrent.Callable<T>> tasks) {
                        return executor.invokeAll(tasks);
                    }

                    @Override
                    public java.util.List<io.github.bilevel.api.Hypergradient> hypergradients(
                            io.github.bilevel.api.task.HypergradientBatch batch, Map<String, double[]> values,
                            java.util.List<java.util.concurrent.Callable<io.github.bilevel.api.Hypergradient>> l) {
                        return executor.hypergradients(batch, values, l);
                    }
                }, recipe, 3);
                perTaskBytes = (executor.stats().resultBytesPerIteration() * 6 - sumBytes * 3) / 3;
            }
            Runs.assertSame(local, spark);
            Runs.assertSame(local, perTask);
            // each of the 2 partitions sends back one partial sum of its 4 episodes instead of 4 hypergradients
            assertTrue(sumBytes < 0.6 * perTaskBytes, sumBytes + " bytes of results per iteration as partial sums, "
                    + perTaskBytes + " as hypergradients per episode");
            // the run moved the values: a comparison of untouched initial values would prove nothing
            assertTrue(local.objectives().get(0) != local.objectives().get(2));
        }
    }

    @Test
    void unknownOptionsAndLiveProblemsAreRefusedInWords() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparkExecutorProvider()
                .create(new ExecutorSettings("reference", "float64", 1, Map.of("mastr", "local[1]"))));
        assertTrue(e.getMessage().contains("no option [mastr]"), e.getMessage());
        try (TaskExecutor executor = new SparkExecutorProvider().create(new ExecutorSettings("reference", "float64",
                1, Map.of()))) {
            IllegalArgumentException live = assertThrows(IllegalArgumentException.class,
                    () -> executor.hypergradients(null, Map.of(), java.util.List.of()));
            assertTrue(live.getMessage().contains("--executor local"), live.getMessage());
        }
    }
}
