package io.github.bilevel.spark;

import io.github.bilevel.api.task.TaskSource;
import io.github.bilevel.api.task.TaskFactory;
import io.github.bilevel.api.task.TaskRecipe;
import io.github.bilevel.plugin.meta.OmniglotTasks;
import org.apache.spark.TaskContext;

/**
 * Omniglot's tasks, except that the first attempt of a Spark task rebuilding the second task of outer iteration 1
 * fails: Spark must run it again, and the result must not change.
 */
public final class FlakyTasks implements TaskFactory {
    static final String ID = "flaky-omniglot-episodes";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public TaskSource open(TaskRecipe recipe) {
        TaskSource omniglot = new OmniglotTasks().open(Runs.withFactory(recipe, OmniglotTasks.ID));
        return k -> {
            TaskContext spark = TaskContext.get(); // null on the driver
            if (k == 1 && spark != null && spark.partitionId() == 1 && spark.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure: first attempt of task 1 of outer iteration 1");
            }
            return omniglot.tasks(k);
        };
    }
}
