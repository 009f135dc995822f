package io.github.bilevel.core.solver;

import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** {@code w ← w − η·∇L}. Hyperparameter {@code gd.lr} (η). */
public final class GradientDescent implements InnerSolver {
    public static final String LR = "gd.lr";
    private final double lr;

    /** Learning rate 0.1. */
    public GradientDescent() {
        this(0.1);
    }

    public GradientDescent(double lr) {
        SolverSupport.positive(LR, lr);
        this.lr = lr;
    }

    @Override
    public String id() {
        return "gd";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(SolverSupport.positive(LR, lr));
    }

    @Override
    public SolverState initialize(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return new SolverState(params, List.of());
    }

    @Override
    public SolverState step(Ops ops, SolverState state, List<Tensor> gradients, Hyperparameters hyper, int step) {
        Tensor eta = hyper.get(LR);
        List<Tensor> next = new ArrayList<>();
        for (int i = 0; i < gradients.size(); i++) {
            next.add(ops.sub(state.parameters().get(i), ops.mul(eta, gradients.get(i))));
        }
        return new SolverState(next, List.of());
    }
}
