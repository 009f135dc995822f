package io.github.bilevel.api.outer;

import java.util.HashMap;
import java.util.Map;

/** Updates hyperparameters from their hypergradients; keeps its own per-hyperparameter state. Not thread-safe. */
public interface OuterOptimizer {

    /** The updated value (before projection), given the hypergradient and this iteration's learning rate. */
    double[] step(String name, double[] value, double[] gradient, double lr);

    /** Plain gradient descent: {@code λ ← λ − lr·g}. */
    static OuterOptimizer sgd() {
        return (name, value, gradient, lr) -> {
            double[] out = value.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] -= lr * gradient[i];
            }
            return out;
        };
    }

    /** Adam (β1 0.9, β2 0.999, ε 1e-8). */
    static OuterOptimizer adam() {
        return new AdamOuter(0.9, 0.999, 1e-8);
    }

    /** Adam with explicit settings. */
    final class AdamOuter implements OuterOptimizer {
        private final double beta1;
        private final double beta2;
        private final double eps;
        private final Map<String, double[][]> moments = new HashMap<>();
        private final Map<String, Integer> steps = new HashMap<>();

        public AdamOuter(double beta1, double beta2, double eps) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
        }

        @Override
        public double[] step(String name, double[] value, double[] gradient, double lr) {
            double[][] mv = moments.computeIfAbsent(name, k -> new double[][] {new double[value.length],
                    new double[value.length]});
            int t = steps.merge(name, 1, Integer::sum);
            double c1 = 1 - Math.pow(beta1, t);
            double c2 = 1 - Math.pow(beta2, t);
            double[] out = value.clone();
            for (int i = 0; i < out.length; i++) {
                mv[0][i] = beta1 * mv[0][i] + (1 - beta1) * gradient[i];
                mv[1][i] = beta2 * mv[1][i] + (1 - beta2) * gradient[i] * gradient[i];
                out[i] -= lr * (mv[0][i] / c1) / (Math.sqrt(mv[1][i] / c2) + eps);
            }
            return out;
        }
    }
}
