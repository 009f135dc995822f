package io.github.bilevel.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.bilevel.api.Problem;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A task source that can travel: the tasks in this JVM, and the recipe that rebuilds them elsewhere. An outer loop
 * given one hands its executor a {@link HypergradientBatch} as well as the local work, so that a distributed executor
 * can rebuild the tasks where it runs them. Experimental.
 *
 * @param recipe what rebuilds the tasks
 * @param local  the same tasks, built in this JVM from the recipe
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TravellingTasks(TaskRecipe recipe, TaskSource local) implements TaskSource {
    public TravellingTasks {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(local, "local");
    }

    /**
     * Opens {@code recipe} with {@code factory} in this JVM, as every other JVM will.
     *
     * @throws IllegalArgumentException if the recipe names another factory
     */
    public static TravellingTasks open(TaskFactory factory, TaskRecipe recipe) {
        if (!factory.id().equals(recipe.factory())) {
            throw new IllegalArgumentException("Task recipe for factory '" + recipe.factory() + "' given to factory '"
                    + factory.id() + "'");
        }
        return new TravellingTasks(recipe, factory.open(recipe));
    }

    @Override
    public List<Problem> tasks(int iteration) {
        return local.tasks(iteration);
    }
}
