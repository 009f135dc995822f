package com.example.bilevel.plugin;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.testkit.StrategyConformanceSuite;

/**
 * The testkit's strategy conformance suite, with this plugin's strategy discovered beside the core's and the implicit
 * ones (its float32-against-float64 check covers every discovered strategy), on the pure-Java reference backend.
 */
class UnrolledStrategyConformanceTest extends StrategyConformanceSuite {
    @Override
    protected Backend createBackend() {
        return new ReferenceBackend();
    }
}
