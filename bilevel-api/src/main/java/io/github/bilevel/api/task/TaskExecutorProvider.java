package io.github.bilevel.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Set;
import org.apiguardian.api.API;

/**
 * Creates a {@link TaskExecutor}. A service interface, found with {@link java.util.ServiceLoader} and selected as
 * backends are: by id ({@code --executor}, the system property {@code bilevel.executor}, the environment variable
 * {@code BILEVEL_EXECUTOR}), otherwise the highest {@link #priority()}; the built-in {@code local} executor is the
 * default. Experimental.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface TaskExecutorProvider {

    /** Unique id, for example {@code local} or {@code spark}. */
    String id();

    /** Higher wins when no id is given. */
    default int priority() {
        return 0;
    }

    /** One line for {@code bilevel list}. */
    default String description() {
        return id();
    }

    /** The {@link ExecutorSettings#options()} keys this executor reads; any other key is an error. */
    default Set<String> optionNames() {
        return Set.of();
    }

    /**
     * A new executor; the caller closes it.
     *
     * @throws IllegalArgumentException for settings it cannot use, naming the setting
     */
    TaskExecutor create(ExecutorSettings settings);
}
