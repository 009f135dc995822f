package io.github.bilevel.backend.nd4j;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.testkit.BackendConformanceSuite;

class Nd4jConformanceTest extends BackendConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new Nd4jBackendProvider().create(BackendConfig.defaults());
    }
}
