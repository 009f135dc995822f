package io.github.bilevel.core.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.task.ExecutorSettings;
import io.github.bilevel.api.task.TaskExecutorProvider;
import io.github.bilevel.core.outer.LocalTaskExecutor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutorSelectorTest {
    private static TaskExecutorProvider provider(String id, int priority) {
        return new TaskExecutorProvider() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public TaskExecutor create(ExecutorSettings settings) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static Discovered<TaskExecutorProvider> found(TaskExecutorProvider... providers) {
        return new Discovered<>(java.util.Arrays.stream(providers)
                .map(p -> new Discovered.Found<>(p, "/jars/" + p.id() + ".jar")).toList(), List.of());
    }

    @Test
    void localIsTheDefaultAndAnotherIsChosenByIdFromTheCommandLinePropertyOrEnvironment() {
        TaskExecutorProvider local = new LocalTaskExecutor.Provider();
        TaskExecutorProvider spark = provider("spark", -100);
        assertSame(local, ExecutorSelector.select(found(local, spark), null, null, null));
        assertSame(spark, ExecutorSelector.select(found(local, spark), "spark", null, null));
        assertSame(spark, ExecutorSelector.select(found(local, spark), null, " Spark ", null));
        assertSame(spark, ExecutorSelector.select(found(local, spark), null, null, "spark"));
        assertSame(local, ExecutorSelector.select(found(local, spark), "local", "spark", "spark"));
        // the discovered services of this module: local only
        assertEquals("local", ExecutorSelector.select(ServiceDiscovery.discover(TaskExecutorProvider.class), null,
                null, null).id());
    }

    @Test
    void unknownDuplicateAndTiedIdsAreErrorsThatSayWhatWasFound() {
        TaskExecutorProvider local = new LocalTaskExecutor.Provider();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ExecutorSelector.select(found(local), null, "sprak", null));
        assertTrue(unknown.getMessage().startsWith("Unknown task executor 'sprak' (requested by system property "
                + "bilevel.executor). Found: local [priority 0"), unknown.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> ExecutorSelector.select(found(provider("spark", 1), provider("spark", 2), local), null, null,
                        null));
        assertTrue(twice.getMessage().contains("two providers have the id 'spark'")
                && twice.getMessage().contains("/jars/spark.jar) and "), twice.getMessage());
        IllegalArgumentException tied = assertThrows(IllegalArgumentException.class,
                () -> ExecutorSelector.select(found(local, provider("ray", 0)), null, null, null));
        assertTrue(tied.getMessage().contains("have the same priority 0"), tied.getMessage());
    }
}
