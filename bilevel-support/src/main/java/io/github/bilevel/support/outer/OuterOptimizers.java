package io.github.bilevel.support.outer;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.outer.OuterOptimizer;
import org.apiguardian.api.API;

/** The outer optimizers: plain gradient descent and Adam. */
@API(status = STABLE, since = "0.1")
public final class OuterOptimizers {
    private OuterOptimizers() {
    }

    /** Plain gradient descent: {@code λ ← λ − lr·g}; stateless. */
    public static OuterOptimizer sgd() {
        return (name, value, gradient, lr) -> {
            double[] out = value.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] -= lr * gradient[i];
            }
            return out;
        };
    }

    /** Adam (β1 0.9, β2 0.999, ε 1e-8). */
    public static OuterOptimizer adam() {
        return new OuterAdam(0.9, 0.999, 1e-8);
    }

    /** Adam with explicit settings. */
    public static OuterOptimizer adam(double beta1, double beta2, double eps) {
        return new OuterAdam(beta1, beta2, eps);
    }
}
