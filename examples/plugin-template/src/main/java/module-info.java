/**
 * A bilevel plugin: a hypergradient strategy and an experiment. It requires the API and the support layer only; the
 * command finds its services through {@code provides} on the module path and through META-INF/services on the class path.
 */
module com.example.bilevel.plugin {
    requires io.github.bilevel.api;
    requires io.github.bilevel.support;

    exports com.example.bilevel.plugin;

    provides io.github.bilevel.api.HypergradientStrategy with com.example.bilevel.plugin.UnrolledStrategy;
    provides io.github.bilevel.api.experiment.Experiment with com.example.bilevel.plugin.RidgeTuning;
}
