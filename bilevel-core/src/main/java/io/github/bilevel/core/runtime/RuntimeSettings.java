package io.github.bilevel.core.runtime;

import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.discovery.Discovered;

/** Everything the builder collected, validated; bound into the injector. */
record RuntimeSettings(Discovered<BackendProvider> backends, String explicitBackend, String propertyBackend,
                       String envBackend, DType dtype, BackendConfig backendConfig, ClassLoader plugins) {
}
