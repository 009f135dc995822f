package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A bilevel problem: minimize over hyperparameters λ the outer objective {@code E(w_T(λ), λ)}, where {@code w_T} is
 * the result of T inner-solver steps on the inner objective {@code L(w, λ)} started from {@code w_0(λ)}.
 *
 * <p>Implementations write objectives with {@link Ops}; they never call a backend. All methods may be called many
 * times, from several threads for different tasks, and must not keep tensors between calls. Also a service interface:
 * problems with a no-argument constructor can be listed with {@link java.util.ServiceLoader}.
 */
@API(status = STABLE, since = "0.1")
public interface Problem {

    /** A short name for listings and logs. */
    default String id() {
        return getClass().getSimpleName();
    }

    /** The problem's hyperparameters (the solver's own are declared by the solver). Never null; names unique. */
    List<HyperparameterSpec> hyperparameters();

    /** The initial inner parameters {@code w_0(λ)}; may depend on λ (a learned initialization). */
    List<Tensor> initialParameters(Ops ops, Hyperparameters hyper);

    /**
     * The inner objective {@code L(w, λ)} at inner step {@code step} (0-based), a scalar. The step lets a problem use
     * a seeded mini-batch per step; the same step must always give the same batch.
     */
    Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step);

    /** The outer objective {@code E(w, λ)}, a scalar. */
    Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper);

    /**
     * Tensors computed from the hyperparameters once per hypergradient and shared by every inner step and the outer
     * objective, for example the representation {@code h_λ(x)} of a task's examples in meta-learning. They reach
     * {@link #initialParameters}, {@link #innerObjective} and {@link #outerObjective} through {@code hyper} under their
     * names (which must differ from the hyperparameters'). Reverse mode differentiates through their computation once
     * per hypergradient instead of once per inner step. Default: none.
     */
    default java.util.Map<String, Tensor> derived(Ops ops, Hyperparameters hyper) {
        return java.util.Map.of();
    }
}
