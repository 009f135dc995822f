/**
 * The types a problem author and a plugin author see.
 *
 * <ul>
 *   <li>{@code io.github.bilevel.api}: the bilevel problem, inner solvers and hypergradient strategies;</li>
 *   <li>{@code io.github.bilevel.api.tensor}: differentiable tensors and the operations (including
 *       grad, vjp, jvp and Hessian-vector products) that models are written with;</li>
 *   <li>{@code io.github.bilevel.api.spi}: the backend SPI: native arrays and a small set of kernels.</li>
 * </ul>
 *
 * Every public type carries apiguardian's {@code @API} with its status: {@code STABLE} for the contracts,
 * {@code EXPERIMENTAL} where they may still change (the task contract of {@code io.github.bilevel.api.task}); nested
 * types share the status of the type they are declared in. apiguardian is this module's only dependency besides
 * {@code java.base}.
 */
module io.github.bilevel.api {
    requires transitive static org.apiguardian.api;

    exports io.github.bilevel.api;
    exports io.github.bilevel.api.tensor;
    exports io.github.bilevel.api.spi;
    exports io.github.bilevel.api.outer;
    exports io.github.bilevel.api.experiment;
    exports io.github.bilevel.api.task;
}
