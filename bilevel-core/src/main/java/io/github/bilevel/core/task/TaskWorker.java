package io.github.bilevel.core.task;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.task.ExecutorSettings;
import io.github.bilevel.api.task.HypergradientBatch;
import io.github.bilevel.api.task.TaskFactory;
import io.github.bilevel.api.task.TaskRecipe;
import io.github.bilevel.api.task.TaskSource;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.discovery.ProvidersById;
import io.github.bilevel.core.discovery.ServiceDiscovery;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.support.HyperparameterValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the hypergradients of tasks that travelled, in the JVM they arrived in. It keeps, for the life of the JVM,
 * one runtime per (backend, dtype, threads) — created by the same selection rules as the driver's — one task source
 * per recipe (so data are loaded once per JVM) and one inner solver per runtime and id (so compiled regions are
 * reused from task to task). Thread-safe; experimental.
 */
public final class TaskWorker {
    private static final Map<List<Object>, BilevelRuntime> RUNTIMES = new HashMap<>();
    private static final Map<List<Object>, InnerSolver> SOLVERS = new HashMap<>();
    private static final Map<TaskRecipe, Family> FAMILIES = new HashMap<>();

    private TaskWorker() {
    }

    /** A recipe's task source and the tasks of the iteration asked for last. */
    private static final class Family {
        final TaskSource source;
        int iteration = -1;
        List<Problem> tasks;

        Family(TaskSource source) {
            this.source = source;
        }

        synchronized Problem task(int iteration, int index, int size) {
            if (iteration != this.iteration) {
                tasks = source.tasks(iteration);
                this.iteration = iteration;
            }
            if (tasks.size() != size || index < 0 || index >= size) {
                throw new IllegalStateException("The tasks of iteration " + iteration + " rebuilt here are "
                        + tasks.size() + ", the driver's " + size + " (task " + index + "): the recipe does not give "
                        + "the same tasks in every JVM");
            }
            return tasks.get(index);
        }
    }

    /**
     * The hypergradient of task {@code index} of {@code batch} at {@code values}, computed with the runtime
     * {@code settings} describe.
     *
     * @throws IllegalArgumentException for an unknown factory, strategy or solver id, or a recipe the factory rejects
     */
    public static Hypergradient compute(ExecutorSettings settings, HypergradientBatch batch,
                                        Map<String, double[]> values, int index) {
        BilevelRuntime rt = runtime(settings);
        InnerSolver solver;
        synchronized (SOLVERS) {
            solver = SOLVERS.computeIfAbsent(List.of(rt, batch.solver()), k -> rt.newSolver(batch.solver()));
        }
        Problem problem = family(batch.recipe()).task(batch.iteration(), index, batch.size());
        return HyperparameterValues.compute(rt.ops(), rt.strategy(batch.strategy()), problem, solver, values,
                batch.steps(), batch.options());
    }

    /** The runtime for these settings, created on first use. */
    public static BilevelRuntime runtime(ExecutorSettings settings) {
        List<Object> key = List.of(settings.backend(), settings.dtype(), settings.threads());
        synchronized (RUNTIMES) {
            return RUNTIMES.computeIfAbsent(key, k -> BilevelRuntime.builder().backend(settings.backend())
                    .dtype(DType.parse(settings.dtype())).threads(settings.threads()).build());
        }
    }

    private static Family family(TaskRecipe recipe) {
        synchronized (FAMILIES) {
            Family f = FAMILIES.get(recipe);
            if (f == null) {
                f = new Family(factory(recipe.factory()).open(recipe));
                FAMILIES.put(recipe, f);
            }
            return f;
        }
    }

    /**
     * The discovered task factory with this id.
     *
     * @throws IllegalArgumentException naming the ids found if there is none
     * @throws ProvidersById.DuplicateProviderException if two providers share an id
     */
    public static TaskFactory factory(String id) {
        return ProvidersById.of("task factory", ServiceDiscovery.discover(TaskFactory.class), TaskFactory::id).get(id);
    }

    /** Closes every runtime this JVM created for travelling tasks and forgets the task sources. */
    public static void shutdown() {
        List<BilevelRuntime> open;
        synchronized (RUNTIMES) {
            open = new ArrayList<>(RUNTIMES.values());
            RUNTIMES.clear();
        }
        synchronized (SOLVERS) {
            SOLVERS.clear();
        }
        synchronized (FAMILIES) {
            FAMILIES.clear();
        }
        open.forEach(BilevelRuntime::close);
    }
}
