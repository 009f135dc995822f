/** Hyperparameter-optimization experiments. A plugin: API and data modules only. */
module io.github.bilevel.plugin.ho {
    requires io.github.bilevel.api;
    requires io.github.bilevel.support;
    requires io.github.bilevel.data;

    exports io.github.bilevel.plugin.ho;

    provides io.github.bilevel.api.experiment.Experiment with
            io.github.bilevel.plugin.ho.HyperCleaning,
            io.github.bilevel.plugin.ho.DigitsTuning;
}
