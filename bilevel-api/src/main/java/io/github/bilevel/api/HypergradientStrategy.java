package io.github.bilevel.api;

/**
 * Computes the hypergradient {@code ∇f_T(λ)} of a bilevel problem: reverse mode, forward mode, implicit
 * differentiation, or a plugin's own method. A service interface, discovered with {@link java.util.ServiceLoader};
 * implementations have a public no-argument constructor and are stateless, so one instance serves many threads.
 */
public interface HypergradientStrategy {

    /** Short unique id, for example {@code reverse}. */
    String id();

    /**
     * Computes the hypergradient. Tensors it creates are freed before it returns.
     *
     * @throws IllegalArgumentException with a message naming the option if {@code request.options()} is invalid
     */
    Hypergradient compute(HypergradientRequest request);
}
