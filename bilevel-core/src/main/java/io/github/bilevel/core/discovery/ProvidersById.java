package io.github.bilevel.core.discovery;

import io.github.bilevel.api.InvalidInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The discovered providers of one service, by id: the one rule for strategies, inner solvers, experiments and task
 * factories (backends and task executors add priorities on top, in {@link BackendSelector} and
 * {@link ExecutorSelector}). Two providers with one id are an error naming both classes and where they came from;
 * nothing is picked silently.
 *
 * @param <T> the service type
 */
public final class ProvidersById<T> {
    private final String kind;
    private final Map<String, T> byId;

    private ProvidersById(String kind, Map<String, T> byId) {
        this.kind = kind;
        this.byId = Collections.unmodifiableMap(byId);
    }

    /**
     * @param kind       what the providers are, in words ("hypergradient strategy"), for messages
     * @param discovered what {@link ServiceDiscovery} found
     * @param id         a provider's id
     * @throws DuplicateProviderException if two providers have one id
     */
    public static <T> ProvidersById<T> of(String kind, Discovered<T> discovered, Function<? super T, String> id) {
        Map<String, Discovered.Found<T>> found = new LinkedHashMap<>();
        for (Discovered.Found<T> f : discovered.providers()) {
            Discovered.Found<T> previous = found.putIfAbsent(id.apply(f.provider()), f);
            if (previous != null) {
                throw new DuplicateProviderException("Two " + kind + " providers have the id '" + id.apply(f.provider())
                        + "': " + describe(previous) + " and " + describe(f)
                        + ". Remove one of them from the class path or module path.");
            }
        }
        Map<String, T> byId = new LinkedHashMap<>();
        found.forEach((k, f) -> byId.put(k, f.provider()));
        return new ProvidersById<>(kind, byId);
    }

    /** Every provider by id, in discovery order. */
    public Map<String, T> asMap() {
        return byId;
    }

    /** Every provider, in discovery order. */
    public List<T> all() {
        return List.copyOf(byId.values());
    }

    public Optional<T> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * The provider with this id.
     *
     * @throws IllegalArgumentException naming the known ids if there is none
     */
    public T get(String id) {
        T t = byId.get(id);
        if (t == null) {
            throw new InvalidInputException("Unknown " + kind + " '" + id + "'. Known: "
                    + String.join(", ", byId.keySet()));
        }
        return t;
    }

    private static String describe(Discovered.Found<?> f) {
        return f.provider().getClass().getName() + " (" + f.origin() + ")";
    }

    /** Two providers of one service have the same id: the installation must be fixed, so the message says how. */
    public static final class DuplicateProviderException extends IllegalStateException {
        public DuplicateProviderException(String message) {
            super(message);
        }
    }
}
