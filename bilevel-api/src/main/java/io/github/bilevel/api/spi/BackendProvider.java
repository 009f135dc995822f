package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Service interface for backends, discovered with {@link java.util.ServiceLoader}.
 *
 * <p>A provider must be cheap: constructing it and calling {@link #id()}, {@link #priority()} and
 * {@link #isAvailable()} must not load native code. Native libraries load in {@link #create(BackendConfig)}.
 */
@API(status = STABLE, since = "0.1")
public interface BackendProvider {
    /** Short unique id used for selection, for example {@code nd4j}; lower case, no spaces. */
    String id();

    /** Higher wins when no backend is named. Two available providers with equal priority are an error. */
    int priority();

    /** One line for listings, for example the library and version. */
    default String description() {
        return id();
    }

    /** Whether the provider's libraries are present, checked without loading native code. */
    default boolean isAvailable() {
        return true;
    }

    /**
     * The compute threads to use when none are asked for ({@link BackendConfig#threads()} 0), given the processors
     * available; also how many tasks of a meta-batch a runtime on this backend runs at a time. Default: all of them.
     * A backend whose kernels lose from a second thread on small arrays returns fewer.
     */
    default int defaultThreads(int availableProcessors) {
        return availableProcessors;
    }

    /**
     * Creates a backend, loading native libraries. The caller closes it.
     *
     * @throws IllegalStateException with the cause if the native libraries cannot be loaded
     */
    Backend create(BackendConfig config);
}
