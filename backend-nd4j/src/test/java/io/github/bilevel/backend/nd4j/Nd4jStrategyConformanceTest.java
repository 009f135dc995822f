package io.github.bilevel.backend.nd4j;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.testkit.StrategyConformanceSuite;

class Nd4jStrategyConformanceTest extends StrategyConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new Nd4jBackendProvider().create(BackendConfig.defaults());
    }
}
