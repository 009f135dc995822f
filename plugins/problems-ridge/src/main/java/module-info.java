/** Ridge regression as a bilevel problem: a plugin written against the API only. */
module io.github.bilevel.plugin.ridge {
    requires io.github.bilevel.api;

    exports io.github.bilevel.plugin.ridge;

    provides io.github.bilevel.api.Problem with io.github.bilevel.plugin.ridge.RidgeRegressionProblem;
}
