package io.github.bilevel.support.outer;

import io.github.bilevel.api.outer.OuterOptimizer;

/** The outer optimizers: plain gradient descent and Adam. */
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
