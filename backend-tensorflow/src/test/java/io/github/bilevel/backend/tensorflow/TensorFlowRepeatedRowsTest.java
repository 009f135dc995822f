package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.testkit.RepeatedRowsSuite;

/** Repeated rows in gather and scatter keep every update on this backend. */
class TensorFlowRepeatedRowsTest extends RepeatedRowsSuite {
    @Override
    protected Backend createBackend() {
        return new TensorFlowBackendProvider().create(BackendConfig.defaults());
    }
}
