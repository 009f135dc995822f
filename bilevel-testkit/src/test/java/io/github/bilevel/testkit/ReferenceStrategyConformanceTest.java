package io.github.bilevel.testkit;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.core.reference.ReferenceBackend;

class ReferenceStrategyConformanceTest extends StrategyConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new ReferenceBackend();
    }
}
