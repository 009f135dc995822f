package io.github.bilevel.plugin.ho;

import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Gradient descent with a fixed learning rate that is not a hyperparameter (hyper-cleaning tunes only the weights). */
final class FixedStepGradientDescent implements InnerSolver {
    private final double lr;

    FixedStepGradientDescent(double lr) {
        this.lr = lr;
    }

    @Override
    public String id() {
        return "fixed-gd";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of();
    }

    @Override
    public SolverState initialize(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return new SolverState(params, List.of());
    }

    @Override
    public SolverState step(Ops ops, SolverState state, List<Tensor> gradients, Hyperparameters hyper, int step) {
        List<Tensor> next = new ArrayList<>();
        for (int i = 0; i < gradients.size(); i++) {
            next.add(ops.sub(state.parameters().get(i), ops.mul(gradients.get(i), lr)));
        }
        return new SolverState(next, List.of());
    }
}
