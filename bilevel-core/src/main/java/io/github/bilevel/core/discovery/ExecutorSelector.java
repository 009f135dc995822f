package io.github.bilevel.core.discovery;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.task.TaskExecutorProvider;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Decides which task executor runs a meta-batch, as {@link BackendSelector} decides the backend: an id given
 * explicitly ({@code --executor}), else the system property {@value #PROPERTY}, else the environment variable
 * {@value #ENV}, else the provider with the highest priority (the built-in {@code local} one unless a plugin ranks
 * higher). Two providers with one id, an unknown id, and a tie for the highest priority are errors that list what
 * was found.
 */
public final class ExecutorSelector {
    public static final String PROPERTY = "bilevel.executor";
    public static final String ENV = "BILEVEL_EXECUTOR";

    private ExecutorSelector() {
    }

    /**
     * @param explicit an id from the command line or builder, or null
     * @param property the value of {@value #PROPERTY}, or null
     * @param env      the value of {@value #ENV}, or null
     * @throws IllegalArgumentException for an unknown or ambiguous id
     */
    public static TaskExecutorProvider select(Discovered<TaskExecutorProvider> discovered, String explicit,
                                              String property, String env) {
        List<Discovered.Found<TaskExecutorProvider>> found = discovered.providers();
        Map<String, Discovered.Found<TaskExecutorProvider>> byId = new HashMap<>();
        for (Discovered.Found<TaskExecutorProvider> f : found) {
            Discovered.Found<TaskExecutorProvider> prev = byId.putIfAbsent(f.provider().id(), f);
            if (prev != null) {
                throw new InvalidInputException("Cannot select a task executor: two providers have the id '"
                        + f.provider().id() + "': " + describe(prev) + " and " + describe(f)
                        + ". Remove one of them from the class path or module path.");
            }
        }
        String source = explicit != null && !explicit.isBlank() ? "--executor"
                : property != null && !property.isBlank() ? "system property " + PROPERTY
                : env != null && !env.isBlank() ? "environment variable " + ENV : null;
        if (source != null) {
            String requested = (explicit != null && !explicit.isBlank() ? explicit
                    : property != null && !property.isBlank() ? property : env).trim();
            Discovered.Found<TaskExecutorProvider> f = byId.get(requested.toLowerCase(Locale.ROOT));
            if (f == null) {
                throw new InvalidInputException("Unknown task executor '" + requested + "' (requested by " + source
                        + "). Found: " + list(found) + failures(discovered));
            }
            return f.provider();
        }
        if (found.isEmpty()) {
            throw new InvalidInputException("No task executor found (bilevel-core provides 'local')"
                    + failures(discovered));
        }
        List<Discovered.Found<TaskExecutorProvider>> sorted = found.stream()
                .sorted(Comparator.comparingInt((Discovered.Found<TaskExecutorProvider> f) -> f.provider().priority())
                        .reversed()).toList();
        if (sorted.size() > 1 && sorted.get(0).provider().priority() == sorted.get(1).provider().priority()) {
            throw new InvalidInputException("Task executors '" + sorted.get(0).provider().id() + "' and '"
                    + sorted.get(1).provider().id() + "' have the same priority " + sorted.get(0).provider().priority()
                    + ": " + describe(sorted.get(0)) + " and " + describe(sorted.get(1)) + ". Choose one with "
                    + "--executor ID, -D" + PROPERTY + "=ID or " + ENV + "=ID.");
        }
        return sorted.get(0).provider();
    }

    private static String describe(Discovered.Found<TaskExecutorProvider> f) {
        return f.provider().getClass().getName() + " (" + f.origin() + ")";
    }

    private static String list(List<Discovered.Found<TaskExecutorProvider>> found) {
        return found.stream().map(f -> f.provider().id() + " [priority " + f.provider().priority() + ", "
                + describe(f) + "]").collect(Collectors.joining(", "));
    }

    private static String failures(Discovered<?> d) {
        return d.failures().isEmpty() ? "" : ". Providers that failed to load: " + String.join("; ", d.failures());
    }
}
