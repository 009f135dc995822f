package io.github.bilevel.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Rebuilds the tasks a {@link TaskRecipe} describes, in whichever JVM runs them (the driver, a local thread pool, an
 * executor of a cluster). A service interface, found with {@link java.util.ServiceLoader} by {@link #id()}; a plugin
 * that wants its meta-batches to run on a cluster provides one and hands the outer loop
 * {@link TravellingTasks#open(TaskFactory, TaskRecipe)} instead of a plain task source. Experimental.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface TaskFactory {

    /** Unique id, named by {@link TaskRecipe#factory()}. */
    String id();

    /**
     * The tasks of each outer iteration for this recipe. Called once per recipe and JVM (the caller keeps what it
     * returns), so it may load data; the source it returns must give the same tasks for the same iteration in every
     * JVM and may be called from several threads.
     *
     * @throws IllegalArgumentException for a recipe this factory cannot read, naming the setting
     */
    TaskSource open(TaskRecipe recipe);
}
