package io.github.bilevel.core.discovery;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.core.reference.ReferenceBackend;

/** A working test provider backed by the reference kernels. */
public class FakeBackendProvider implements BackendProvider {
    @Override
    public String id() {
        return "fake";
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public Backend create(BackendConfig config) {
        return new ReferenceBackend();
    }
}
