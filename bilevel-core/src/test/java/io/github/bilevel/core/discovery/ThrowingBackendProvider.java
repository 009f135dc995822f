package io.github.bilevel.core.discovery;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;

/** A deliberately broken plugin: its constructor throws. */
public class ThrowingBackendProvider implements BackendProvider {
    public ThrowingBackendProvider() {
        throw new IllegalStateException("broken on purpose");
    }

    @Override
    public String id() {
        return "throwing";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Backend create(BackendConfig config) {
        throw new UnsupportedOperationException();
    }
}
