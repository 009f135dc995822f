package io.github.bilevel.backend.nd4j;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.testkit.RepeatedRowsSuite;

/** Repeated rows in gather and scatter keep every update on this backend. */
class Nd4jRepeatedRowsTest extends RepeatedRowsSuite {
    @Override
    protected Backend createBackend() {
        return new Nd4jBackendProvider().create(BackendConfig.defaults());
    }
}
