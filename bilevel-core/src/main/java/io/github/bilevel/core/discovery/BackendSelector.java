package io.github.bilevel.core.discovery;

import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place that decides which backend runs. Order:
 * <ol>
 *   <li>an id given explicitly (builder or command line);</li>
 *   <li>the system property {@value #PROPERTY};</li>
 *   <li>the environment variable {@value #ENV};</li>
 *   <li>the available provider with the highest priority.</li>
 * </ol>
 * The id {@code reference} names the built-in pure-Java {@link ReferenceBackend} unless a discovered provider has that
 * id; it is never chosen by priority. Two providers with one id, an unknown id, no provider, or two available providers tied for the highest priority
 * are errors that list what was found.
 */
public final class BackendSelector {
    public static final String PROPERTY = "bilevel.backend";
    public static final String ENV = "BILEVEL_BACKEND";
    private static final String HOW_TO_ADD = "Add backend-nd4j or backend-tensorflow to the class path or module "
            + "path, or name the built-in pure-Java backend '" + ReferenceBackend.ID + "' (slow; for tests and tiny "
            + "problems).";

    /** The pure-Java {@link ReferenceBackend}, selected by its id only; float64 inside, one thread. */
    public static final BackendProvider REFERENCE = new BackendProvider() {
        @Override
        public String id() {
            return ReferenceBackend.ID;
        }

        @Override
        public int priority() {
            return Integer.MIN_VALUE;
        }

        @Override
        public String description() {
            return "pure-Java reference backend, built into bilevel-core (slow; float64 inside)";
        }

        @Override
        public int defaultThreads(int availableProcessors) {
            return 1;
        }

        @Override
        public io.github.bilevel.api.spi.Backend create(io.github.bilevel.api.spi.BackendConfig config) {
            return new ReferenceBackend();
        }
    };

    private BackendSelector() {
    }

    /**
     * @param discovered the providers found and the load failures
     * @param explicit   an id from the builder or command line, or null
     * @param property   the value of {@value #PROPERTY}, or null
     * @param env        the value of {@value #ENV}, or null
     */
    public static BackendProvider select(Discovered<BackendProvider> discovered, String explicit, String property,
                                         String env) {
        List<Discovered.Found<BackendProvider>> found = discovered.providers();
        checkUniqueIds(found);
        String requested = firstNonBlank(explicit, property, env);
        String source = explicit != null && !explicit.isBlank() ? "the builder or command line"
                : property != null && !property.isBlank() ? "system property " + PROPERTY
                : "environment variable " + ENV;
        String id = requested == null ? null : requested.trim().toLowerCase(java.util.Locale.ROOT);
        if (ReferenceBackend.ID.equals(id) && found.stream().noneMatch(f -> f.provider().id().equals(id))) {
            return REFERENCE; // built in, chosen by name only: never the silent fallback of a missing backend jar
        }
        if (found.isEmpty()) {
            throw new BackendSelectionException("No backend found. " + HOW_TO_ADD + failures(discovered));
        }
        if (requested != null) {
            for (Discovered.Found<BackendProvider> f : found) {
                if (f.provider().id().equals(id)) {
                    if (!f.provider().isAvailable()) {
                        throw new BackendSelectionException("Backend '" + id + "' (requested by " + source + ") is "
                                + "present but its libraries are missing. Found: " + list(found) + failures(discovered));
                    }
                    return f.provider();
                }
            }
            throw new BackendSelectionException("Unknown backend '" + requested + "' (requested by " + source
                    + "). Found: " + list(found) + ". " + HOW_TO_ADD + failures(discovered));
        }
        List<Discovered.Found<BackendProvider>> available = new ArrayList<>();
        for (Discovered.Found<BackendProvider> f : found) {
            if (f.provider().isAvailable()) {
                available.add(f);
            }
        }
        if (available.isEmpty()) {
            throw new BackendSelectionException("No backend is available (libraries missing). Found: " + list(found)
                    + ". " + HOW_TO_ADD + failures(discovered));
        }
        available.sort(Comparator.comparingInt((Discovered.Found<BackendProvider> f) -> f.provider().priority()).reversed());
        if (available.size() > 1 && available.get(0).provider().priority() == available.get(1).provider().priority()) {
            throw new BackendSelectionException("Backends '" + available.get(0).provider().id() + "' and '"
                    + available.get(1).provider().id() + "' have the same priority "
                    + available.get(0).provider().priority() + ": " + describe(available.get(0)) + " and "
                    + describe(available.get(1)) + ". Choose one with -D" + PROPERTY + "=ID or " + ENV + "=ID.");
        }
        return available.get(0).provider();
    }

    private static void checkUniqueIds(List<Discovered.Found<BackendProvider>> found) {
        Map<String, Discovered.Found<BackendProvider>> byId = new HashMap<>();
        for (Discovered.Found<BackendProvider> f : found) {
            Discovered.Found<BackendProvider> prev = byId.putIfAbsent(f.provider().id(), f);
            if (prev != null) {
                throw new BackendSelectionException("Cannot select a backend: two providers have the id '"
                        + f.provider().id() + "': " + describe(prev) + " and " + describe(f)
                        + ". Remove one of them from the class path or module path.");
            }
        }
    }

    private static String describe(Discovered.Found<BackendProvider> f) {
        return f.provider().getClass().getName() + " (" + f.origin() + ")";
    }

    private static String list(List<Discovered.Found<BackendProvider>> found) {
        return found.stream()
                .map(f -> f.provider().id() + " [priority " + f.provider().priority()
                        + (f.provider().isAvailable() ? "" : ", unavailable") + ", " + describe(f) + "]")
                .collect(Collectors.joining(", "));
    }

    private static String failures(Discovered<?> d) {
        return d.failures().isEmpty() ? "" : " Providers that failed to load: " + String.join("; ", d.failures());
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
