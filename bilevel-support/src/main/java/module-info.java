/**
 * Reusable algorithms written on the API alone, for plugins, embedders and the core:
 *
 * <ul>
 *   <li>{@code io.github.bilevel.support}: hyperparameter values as plain arrays and one-call hypergradients,
 *       mini-batches, least-squares line fits;</li>
 *   <li>{@code io.github.bilevel.support.outer}: the outer loop (meta-batches, checkpoints, non-finite guards), outer
 *       optimizers and projections onto constraints;</li>
 *   <li>{@code io.github.bilevel.support.solver}: the inner solvers (gradient descent, momentum, Nesterov, Adam);</li>
 *   <li>{@code io.github.bilevel.support.unroll}: the inner problem as a dynamical system, stepped with non-finite
 *       checks, for hypergradient strategies.</li>
 * </ul>
 *
 * This module depends on {@code io.github.bilevel.api} only. Its public types carry {@code @API}: {@code STABLE}, but
 * {@code EXPERIMENTAL} for the unrolling loop of {@code io.github.bilevel.support.unroll}.
 */
module io.github.bilevel.support {
    requires transitive io.github.bilevel.api;

    exports io.github.bilevel.support;
    exports io.github.bilevel.support.outer;
    exports io.github.bilevel.support.solver;
    exports io.github.bilevel.support.unroll;

    provides io.github.bilevel.api.InnerSolver with
            io.github.bilevel.support.solver.GradientDescent,
            io.github.bilevel.support.solver.Momentum,
            io.github.bilevel.support.solver.Momentum.Nesterov,
            io.github.bilevel.support.solver.Adam;
}
