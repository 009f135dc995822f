/**
 * The conformance suite every backend runs (extend {@link io.github.bilevel.testkit.BackendConformanceSuite}),
 * finite-difference utilities and the float64 oracle comparisons.
 */
module io.github.bilevel.testkit {
    requires transitive io.github.bilevel.core;
    requires transitive org.junit.jupiter.api;

    exports io.github.bilevel.testkit;
    opens io.github.bilevel.testkit to org.junit.platform.commons;
}
