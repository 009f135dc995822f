package io.github.bilevel.testkit;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.core.reference.ReferenceBackend;

/** The oracle itself passes the derivative checks; its oracle comparisons hold trivially. */
class ReferenceBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new ReferenceBackend();
    }
}
