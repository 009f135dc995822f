package io.github.bilevel.core.discovery;

import java.util.List;

/**
 * What {@link ServiceDiscovery} found for one service type.
 *
 * @param providers providers that loaded, in discovery order
 * @param failures  one message per provider that failed to load, naming its class and jar
 */
public record Discovered<T>(List<Found<T>> providers, List<String> failures) {
    public Discovered {
        providers = List.copyOf(providers);
        failures = List.copyOf(failures);
    }

    /** A loaded provider and where its class came from (a jar path or folder; "unknown" if the JVM does not say). */
    public record Found<T>(T provider, String origin) {
    }
}
