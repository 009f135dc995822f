package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.testkit.StrategyConformanceSuite;

/** Every hypergradient strategy's self-check and memory behaviour (float64, the suite's only mode). */
class TensorFlowStrategyConformanceTest extends StrategyConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new TensorFlowBackendProvider().create(BackendConfig.defaults());
    }
}
