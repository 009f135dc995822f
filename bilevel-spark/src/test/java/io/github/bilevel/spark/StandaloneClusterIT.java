package io.github.bilevel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.task.ExecutorSettings;
import io.github.bilevel.api.task.TaskRecipe;
import io.github.bilevel.core.outer.LocalTaskExecutor;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone Spark cluster on localhost — a master and two single-core workers, each a JVM of its own, started from
 * a Spark home of Maven-resolved jars — running meta-batches whose tasks are serialized, shipped with the driver's jars
 * and computed in executor JVMs.
 */
@org.junit.jupiter.api.Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES) // a lost worker fails, not hangs
class StandaloneClusterIT {
    @TempDir
    static Path dir;
    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(dir, Path.of(System.getProperty("spark.jars.dir", "target/lib")), 2, "1g");
        System.setProperty("spark.driver.host", "127.0.0.1");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            assertEquals(java.util.List.of(), cluster.alive(), "Spark JVMs still running after the cluster stopped");
        }
    }

    private static SparkTaskExecutor onCluster() {
        return (SparkTaskExecutor) new SparkExecutorProvider().create(new ExecutorSettings("reference", "float64", 1,
                Map.of(SparkTaskExecutor.MASTER, cluster.master())));
    }

    /** 20 outer iterations in float64 on the pure-Java backend, locally (2 threads) and on the cluster. */
    @Test
    void metaBatchesOnTheClusterEqualTheLocalExecutorsBitForBit() {
        TaskRecipe recipe = Runs.omniglot(11, 4);
        try (BilevelRuntime rt = Runs.reference()) {
            Runs.Outcome local = Runs.trainLocally(rt, recipe, 20, 2);
            Runs.Outcome spark;
            try (SparkTaskExecutor executor = onCluster()) {
                spark = Runs.train(rt, executor, recipe, 20);
                // the tasks ran in the workers' executor JVMs, not in this one
                assertEquals(2, executor.context().sc().getExecutorIds().size());
            }
            Runs.assertSame(local, spark);
        }
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheResultIsUnchanged() {
        TaskRecipe recipe = Runs.omniglot(12, 4);
        try (BilevelRuntime rt = Runs.reference()) {
            Runs.Outcome local = Runs.trainLocally(rt, recipe, 3, 1);
            java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            Runs.Outcome spark;
            try (SparkTaskExecutor executor = onCluster()) {
                executor.context().sc().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
                    @Override
                    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
                        if (end.taskInfo().failed()) {
                            failed.incrementAndGet();
                        }
                    }
                });
                spark = Runs.train(rt, executor, Runs.withFactory(recipe, FlakyTasks.ID), 3);
            }
            assertEquals(1, failed.get(), "failed Spark task attempts");
            Runs.assertSame(local, spark);
        }
    }

    @Test
    void aCheckpointedRunContinuesOnTheOtherExecutorAndEndsWithTheSameValues() throws Exception {
        TaskRecipe recipe = Runs.omniglot(13, 4);
        try (BilevelRuntime rt = Runs.reference()) {
            Runs.Outcome uninterrupted;
            uninterrupted = Runs.trainLocally(rt, recipe, 4, 2);
            Path localFirst = dir.resolve("local-then-spark.json");
            Path sparkFirst = dir.resolve("spark-then-local.json");
            Runs.Outcome localThenSpark;
            Runs.Outcome sparkThenLocal;
            try (TaskExecutor local = new LocalTaskExecutor(2); SparkTaskExecutor spark = onCluster()) {
                Runs.train(rt, local, recipe, 2, localFirst);
                localThenSpark = Runs.train(rt, spark, recipe, 4, localFirst);
                Runs.train(rt, spark, recipe, 2, sparkFirst);
                sparkThenLocal = Runs.train(rt, local, recipe, 4, sparkFirst);
            }
            // each continuation ran the last two iterations only, and ended where the uninterrupted run ended
            Runs.Outcome lastTwo = new Runs.Outcome(uninterrupted.objectives().subList(2, 4), uninterrupted.values());
            Runs.assertSame(lastTwo, localThenSpark);
            Runs.assertSame(lastTwo, sparkThenLocal);
        }
    }
}
