/**
 * Implicit-differentiation hypergradients at an approximate inner optimum. A plugin: it needs only the API, and core
 * finds it through ServiceLoader.
 */
module io.github.bilevel.plugin.implicit {
    requires io.github.bilevel.api;
    requires io.github.bilevel.support;

    exports io.github.bilevel.plugin.implicit;

    provides io.github.bilevel.api.HypergradientStrategy with
            io.github.bilevel.plugin.implicit.ConjugateGradient,
            io.github.bilevel.plugin.implicit.FixedPoint,
            io.github.bilevel.plugin.implicit.Neumann;
}
