package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.testkit.BackendConformanceSuite;

/** The backend contract (float64 and float32 against the oracle, derivatives, memory) on op-by-op execution. */
class TensorFlowConformanceTest extends BackendConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new TensorFlowBackendProvider().create(BackendConfig.defaults());
    }
}
