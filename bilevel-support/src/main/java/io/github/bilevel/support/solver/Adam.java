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
 * Adam with bias correction. The step is {@code w ← w − η·m̂ / sqrt(v̂ + ε)}: ε sits inside the square root so the
 * derivative stays finite where the second moment is zero (an unrolled Adam never yields NaN hypergradients).
 * Hyperparameters {@code adam.lr}, {@code adam.beta1}, {@code adam.beta2}; ε is fixed (default 1e-8).
 * Slots: first moments, then second moments.
 */
@API(status = STABLE, since = "0.1")
public final class Adam implements InnerSolver {
    public static final String LR = "adam.lr";
    public static final String BETA1 = "adam.beta1";
    public static final String BETA2 = "adam.beta2";
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;

    /** Learning rate 0.01, betas 0.9 and 0.999, ε 1e-8. */
    public Adam() {
        this(0.01, 0.9, 0.999, 1e-8);
    }

    public Adam(double lr, double beta1, double beta2, double eps) {
        SolverSupport.positive(LR, lr);
        SolverSupport.unitInterval(BETA1, beta1);
        SolverSupport.unitInterval(BETA2, beta2);
        if (!(eps > 0)) {
            throw new IllegalArgumentException("Adam's epsilon must be > 0, got " + eps);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    public String id() {
        return "adam";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(SolverSupport.positive(LR, lr), SolverSupport.unitInterval(BETA1, beta1),
                SolverSupport.unitInterval(BETA2, beta2));
    }

    @Override
    public SolverState initialize(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        List<Tensor> slots = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            for (Tensor p : params) {
                slots.add(ops.zerosLike(p));
            }
        }
        return new SolverState(params, slots);
    }

    @Override
    public SolverState step(Ops ops, SolverState state, List<Tensor> gradients, Hyperparameters hyper, int step) {
        int n = gradients.size();
        Tensor eta = hyper.get(LR);
        Tensor b1 = hyper.get(BETA1);
        Tensor b2 = hyper.get(BETA2);
        double t = step + 1;
        // bias corrections 1 − β^t, differentiable in β
        Tensor c1 = oneMinus(ops, ops.pow(b1, t));
        Tensor c2 = oneMinus(ops, ops.pow(b2, t));
        List<Tensor> params = new ArrayList<>();
        List<Tensor> first = new ArrayList<>();
        List<Tensor> second = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Tensor g = gradients.get(i);
            Tensor m = ops.add(ops.mul(b1, state.slots().get(i)), ops.mul(oneMinus(ops, b1), g));
            Tensor v = ops.add(ops.mul(b2, state.slots().get(n + i)),
                    ops.mul(oneMinus(ops, b2), ops.square(g)));
            Tensor mHat = ops.div(m, c1);
            Tensor vHat = ops.div(v, c2);
            Tensor update = ops.div(mHat, ops.sqrt(ops.add(vHat, eps)));
            params.add(ops.sub(state.parameters().get(i), ops.mul(eta, update)));
            first.add(m);
            second.add(v);
        }
        first.addAll(second);
        return new SolverState(params, first);
    }

    private static Tensor oneMinus(Ops ops, Tensor x) {
        return ops.add(ops.neg(x), 1.0);
    }
}
