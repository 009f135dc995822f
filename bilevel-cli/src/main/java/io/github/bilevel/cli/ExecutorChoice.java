package io.github.bilevel.cli;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.task.TaskExecutorProvider;
import io.github.bilevel.core.discovery.ExecutorSelector;
import io.github.bilevel.core.discovery.ServiceDiscovery;
import io.github.bilevel.core.outer.LocalTaskExecutor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The task executor a command runs with: the provider selected from {@code --executor} (or the property and
 * environment variable) and the options the command line gives it ({@code --master}).
 */
record ExecutorChoice(TaskExecutorProvider provider, Map<String, String> options) {

    /**
     * @throws IllegalArgumentException for an unknown executor, or {@code --master} for one that takes none
     */
    static ExecutorChoice of(String executorId, String master) {
        TaskExecutorProvider provider = ExecutorSelector.select(ServiceDiscovery.discover(TaskExecutorProvider.class),
                executorId, System.getProperty(ExecutorSelector.PROPERTY), System.getenv(ExecutorSelector.ENV));
        Map<String, String> options = new LinkedHashMap<>();
        if (master != null) {
            if (!provider.optionNames().contains("master")) {
                throw new InvalidInputException("--master is for --executor spark; the '" + provider.id()
                        + "' executor takes no master");
            }
            options.put("master", master);
        }
        return new ExecutorChoice(provider, Map.copyOf(options));
    }

    boolean local() {
        return provider.id().equals(LocalTaskExecutor.ID);
    }
}
