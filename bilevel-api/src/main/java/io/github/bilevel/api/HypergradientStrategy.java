package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Computes the hypergradient {@code ∇f_T(λ)} of a bilevel problem: reverse mode, forward mode, implicit
 * differentiation, or a plugin's own method. A service interface, discovered with {@link java.util.ServiceLoader};
 * implementations have a public no-argument constructor and are stateless, so one instance serves many threads.
 */
@API(status = STABLE, since = "0.1")
public interface HypergradientStrategy {

    /** Short unique id, for example {@code reverse}. */
    String id();

    /**
     * Computes the hypergradient. Tensors it creates are freed before it returns.
     *
     * @throws IllegalArgumentException with a message naming the option if {@code request.options()} is invalid
     */
    Hypergradient compute(HypergradientRequest request);

    /**
     * The names of the options this strategy reads from {@link HypergradientRequest#options()} (for example
     * {@code truncate}). A request naming any other option is rejected before the strategy runs, with the closest
     * known name, so that a misspelled option is an error rather than a silent default. Options every strategy
     * accepts ({@link HypergradientSpec#COMMON_OPTIONS}) need not be listed. Default: none.
     */
    default java.util.Set<String> optionNames() {
        return java.util.Set.of();
    }
}
