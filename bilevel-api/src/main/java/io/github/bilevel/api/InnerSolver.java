package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import java.util.List;
import org.apiguardian.api.API;

/**
 * An inner optimizer written as a differentiable dynamical system {@code s_t = Φ_t(s_{t−1}, λ)}. Its own settings
 * (learning rate, momentum) are hyperparameters it declares, so they can receive hypergradients.
 *
 * <p>Both methods must be written with {@link Ops} only, so that strategies can differentiate through them. Also a
 * service interface, discovered with {@link java.util.ServiceLoader}.
 */
@API(status = STABLE, since = "0.1")
public interface InnerSolver {

    /** Short unique id, for example {@code gd} or {@code adam}. */
    String id();

    /** The solver's own hyperparameters, with names prefixed by the id (for example {@code "gd.lr"}). */
    List<HyperparameterSpec> hyperparameters();

    /** The state before the first step, given the initial parameters. */
    SolverState initialize(Ops ops, List<Tensor> params, Hyperparameters hyper);

    /**
     * One step.
     *
     * @param gradients the gradient of the inner objective with respect to each parameter, at {@code state}
     * @param step      the 0-based step index
     */
    SolverState step(Ops ops, SolverState state, List<Tensor> gradients, Hyperparameters hyper, int step);
}
