/**
 * The engine: tracing differentiation to any order, discovery and selection of backends and plugins, Guice wiring of
 * a {@link io.github.bilevel.core.runtime.BilevelRuntime}, and the pure-Java reference backend.
 */
module io.github.bilevel.core {
    requires transitive io.github.bilevel.api;
    requires com.google.guice;
    requires org.slf4j;

    exports io.github.bilevel.core.autodiff;
    exports io.github.bilevel.core.discovery;
    exports io.github.bilevel.core.reference;
    exports io.github.bilevel.core.runtime;

    // Guice injects into the runtime package; it needs unqualified opens for a plain `java -m` launch.
    opens io.github.bilevel.core.runtime;

    uses io.github.bilevel.api.spi.BackendProvider;
    uses io.github.bilevel.api.HypergradientStrategy;
    uses io.github.bilevel.api.InnerSolver;
    uses io.github.bilevel.api.Problem;
}
