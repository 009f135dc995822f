package io.github.bilevel.support.solver;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * {@code w ← w − η·∇L}. Hyperparameter {@code gd.lr} (η), unless made with {@link #fixedRate}: then η is a constant
 * and the solver has no hyperparameters, so no hypergradient is computed for it (which saves work: reverse mode
 * differentiating η needs {@code ⟨α_t, ∇L(w_t)⟩} at every step, so each recomputed step must form its gradient).
 */
@API(status = STABLE, since = "0.1")
public final class GradientDescent implements InnerSolver {
    public static final String LR = "gd.lr";
    private final double lr;
    private final boolean fixed;

    /** Learning rate 0.1. */
    public GradientDescent() {
        this(0.1);
    }

    public GradientDescent(double lr) {
        this(lr, false);
    }

    private GradientDescent(double lr, boolean fixed) {
        SolverSupport.positive(LR, lr);
        this.lr = lr;
        this.fixed = fixed;
    }

    /** Gradient descent whose learning rate is the constant {@code lr}, not a hyperparameter (id {@code fixed-gd}). */
    public static GradientDescent fixedRate(double lr) {
        return new GradientDescent(lr, true);
    }

    @Override
    public String id() {
        return fixed ? "fixed-gd" : "gd";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return fixed ? List.of() : List.of(SolverSupport.positive(LR, lr));
    }

    @Override
    public SolverState initialize(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return new SolverState(params, List.of());
    }

    @Override
    public SolverState step(Ops ops, SolverState state, List<Tensor> gradients, Hyperparameters hyper, int step) {
        List<Tensor> next = new ArrayList<>();
        for (int i = 0; i < gradients.size(); i++) {
            Tensor g = gradients.get(i);
            next.add(ops.sub(state.parameters().get(i), fixed ? ops.mul(g, lr) : ops.mul(hyper.get(LR), g)));
        }
        return new SolverState(next, List.of());
    }
}
