package io.github.bilevel.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.bilevel.api.Hypergradient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;

/**
 * Runs independent tasks (for example the per-task hypergradients of a meta-batch) and returns their results in task
 * order. The command line's default runs them on a local thread pool; a distributed engine can replace it. Executors
 * are created by a {@link io.github.bilevel.api.task.TaskExecutorProvider}, found with {@link java.util.ServiceLoader}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface TaskExecutor extends AutoCloseable {

    /** Short unique id, for example {@code local}. */
    String id();

    /**
     * Runs every task and returns the results in the order of {@code tasks}.
     *
     * @throws RuntimeException the first task failure, with the task index in its message
     */
    <T> List<T> invokeAll(List<Callable<T>> tasks);

    /**
     * The hypergradients of one outer iteration's tasks, in task order. {@code local.get(i)} computes task {@code i}
     * in this JVM; when the tasks can travel, {@code batch} describes the same work as data and {@code values} are
     * the hyperparameter values it is computed at (a distributed executor rebuilds the tasks from the batch where it
     * runs them), otherwise {@code batch} is null. The default runs {@code local} with {@link #invokeAll}.
     * Experimental.
     *
     * @throws RuntimeException the first task failure, with the task index in its message
     */
    default List<Hypergradient> hypergradients(HypergradientBatch batch, Map<String, double[]> values,
                                               List<Callable<Hypergradient>> local) {
        return invokeAll(local);
    }

    /**
     * The sum of one outer iteration's task hypergradients (arguments as for {@link #hypergradients}), added in the
     * order {@link TaskSums} defines, so that every executor gives the same bits. The default adds the results of
     * {@link #hypergradients}; a distributed executor may add within ranges of tasks where they ran and send back the
     * partial sums only. Experimental.
     *
     * @throws RuntimeException the first task failure, with the task index in its message
     */
    default Hypergradient hypergradientSum(HypergradientBatch batch, Map<String, double[]> values,
                                           List<Callable<Hypergradient>> local) {
        return TaskSums.sum(hypergradients(batch, values, local));
    }

    /** Runs the tasks one after another on the calling thread. */
    static TaskExecutor sequential() {
        return new TaskExecutor() {
            @Override
            public String id() {
                return "sequential";
            }

            @Override
            public <T> List<T> invokeAll(List<Callable<T>> tasks) {
                List<T> out = new java.util.ArrayList<>();
                for (int i = 0; i < tasks.size(); i++) {
                    try {
                        out.add(tasks.get(i).call());
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException("Task " + i + " failed: " + e, e);
                    }
                }
                return out;
            }
        };
    }

    /** Releases threads or connections. Idempotent. */
    @Override
    default void close() {
    }
}
