package io.github.bilevel.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * The hypergradients of one outer iteration as data: which tasks (a recipe and the iteration), and how each is
 * differentiated (strategy, its options, the inner solver, T). The hyperparameter values travel beside it, once per
 * iteration. Task {@code i} of the batch is {@code tasks(iteration).get(i)} of the recipe's task source. The solver is
 * rebuilt by its id with its public no-argument constructor; its hyperparameters are among the values.
 * Experimental.
 *
 * @param recipe    the tasks
 * @param iteration the outer iteration whose tasks these are
 * @param size      how many tasks the iteration has
 * @param strategy  a {@link io.github.bilevel.api.HypergradientStrategy#id()}
 * @param options   the strategy's options
 * @param solver    an {@link io.github.bilevel.api.InnerSolver#id()}
 * @param steps     inner steps T
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record HypergradientBatch(TaskRecipe recipe, int iteration, int size, String strategy,
                                 Map<String, String> options, String solver, int steps) implements Serializable {
    public HypergradientBatch {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(solver, "solver");
        options = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(options, "options")));
        if (size < 1) {
            throw new IllegalArgumentException("A batch needs at least one task, got " + size);
        }
    }
}
