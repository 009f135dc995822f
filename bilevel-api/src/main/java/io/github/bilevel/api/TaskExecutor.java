package io.github.bilevel.api;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs independent tasks (for example the per-task hypergradients of a meta-batch) and returns their results in task
 * order. The default runs them on a local thread pool; a distributed engine can replace it. A service interface,
 * discovered with {@link java.util.ServiceLoader}; the one with the highest {@link #priority()} is used.
 */
public interface TaskExecutor extends AutoCloseable {

    /** Short unique id, for example {@code local}. */
    String id();

    /** Higher wins when several executors are present. */
    default int priority() {
        return 0;
    }

    /**
     * Runs every task and returns the results in the order of {@code tasks}.
     *
     * @throws RuntimeException the first task failure, with the task index in its message
     */
    <T> List<T> invokeAll(List<Callable<T>> tasks);

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
