/**
 * The engine: tracing differentiation to any order, discovery and selection of backends and plugins, Guice wiring of
 * a {@link io.github.bilevel.core.runtime.BilevelRuntime}, and the pure-Java reference backend.
 */
module io.github.bilevel.core {
    requires transitive io.github.bilevel.api;
    requires transitive io.github.bilevel.support;
    requires com.google.guice;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    // For embedders: the runtime, experiments without the command, checks, and the pieces a task executor on the
    // class path (bilevel-spark, which cannot be named here) needs.
    exports io.github.bilevel.core.runtime;
    exports io.github.bilevel.core.experiment;
    exports io.github.bilevel.core.check;
    exports io.github.bilevel.core.task;
    exports io.github.bilevel.core.outer;
    // For tests of plugins and backends (the testkit, a plugin's own tests): an engine on the reference backend, and
    // the built-in strategies (ForwardMode.runRealTime); no compatibility promise (docs/VERSIONING.md).
    exports io.github.bilevel.core.autodiff;
    exports io.github.bilevel.core.reference;
    exports io.github.bilevel.core.hypergradient;
    // Internals: only the modules that select providers for the user see them.
    exports io.github.bilevel.core.discovery to io.github.bilevel.cli, io.github.bilevel.testkit;
    // not exported: core.autodiff.compile (record and replay) and core.autodiff.graph (graph passes, interpreter)

    // Guice injects into the runtime package; it needs unqualified opens for a plain `java -m` launch.
    opens io.github.bilevel.core.runtime;

    uses io.github.bilevel.api.spi.BackendProvider;
    uses io.github.bilevel.api.HypergradientStrategy;
    uses io.github.bilevel.api.InnerSolver;
    uses io.github.bilevel.api.Problem;
    uses io.github.bilevel.api.task.TaskExecutorProvider;
    uses io.github.bilevel.api.task.TaskFactory;
    uses io.github.bilevel.api.experiment.Experiment;

    provides io.github.bilevel.api.task.TaskExecutorProvider with io.github.bilevel.core.outer.LocalTaskExecutor.Provider;
    provides io.github.bilevel.api.HypergradientStrategy with
            io.github.bilevel.core.hypergradient.ReverseMode,
            io.github.bilevel.core.hypergradient.ReverseMode.Truncated,
            io.github.bilevel.core.hypergradient.ReverseMode.Checkpointed,
            io.github.bilevel.core.hypergradient.ForwardMode,
            io.github.bilevel.core.hypergradient.FirstOrder;
}
