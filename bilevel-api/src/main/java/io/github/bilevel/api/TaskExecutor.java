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

    /** Releases threads or connections. Idempotent. */
    @Override
    default void close() {
    }
}
