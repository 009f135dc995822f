package io.github.bilevel.testkit;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * One operation under test: input shapes, how to draw inputs, and the function applied.
 *
 * @param name           shown in test names
 * @param shapes         one per input
 * @param inputs         how to draw each input's values (kept away from kinks and ties so that finite differences are
 *                       valid)
 * @param function       builds the output from the inputs with {@link Ops}
 * @param differentiable false for comparisons and casts: only the forward value is checked
 */
public record OpCase(String name, List<Shape> shapes, List<Inputs> inputs,
                     BiFunction<Ops, List<Tensor>, Tensor> function, boolean differentiable) {

    /** How input values are drawn. */
    public enum Inputs {
        /** Standard normal, scaled by 0.8. */
        NORMAL,
        /** Uniform in [0.5, 2]. */
        POSITIVE,
        /** |x| uniform in [0.3, 1.5] with a random sign: away from the kinks of relu and abs at 0. */
        AWAY_FROM_ZERO,
        /** Distinct values at least 0.04 apart: no ties for max. */
        DISTINCT,
        /** Values in [-1.5, 1.5] at least 0.05 away from ±0.5, the clip bounds used by the catalog. */
        AWAY_FROM_HALF;

        public double[] draw(Random rng, int n) {
            double[] v = new double[n];
            switch (this) {
                case NORMAL -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = 0.8 * rng.nextGaussian();
                    }
                }
                case POSITIVE -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = 0.5 + 1.5 * rng.nextDouble();
                    }
                }
                case AWAY_FROM_ZERO -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = (0.3 + 1.2 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
                    }
                }
                case DISTINCT -> {
                    int[] perm = new int[n];
                    for (int i = 0; i < n; i++) {
                        perm[i] = i;
                    }
                    for (int i = n - 1; i > 0; i--) {
                        int j = rng.nextInt(i + 1);
                        int t = perm[i];
                        perm[i] = perm[j];
                        perm[j] = t;
                    }
                    for (int i = 0; i < n; i++) {
                        v[i] = (perm[i] - n / 2.0) * 0.37 / Math.max(1, n / 8.0) * 1.0 + 0.02 * rng.nextDouble();
                    }
                }
                case AWAY_FROM_HALF -> {
                    for (int i = 0; i < n; i++) {
                        double x;
                        do {
                            x = -1.5 + 3 * rng.nextDouble();
                        } while (Math.abs(Math.abs(x) - 0.5) < 0.05);
                        v[i] = x;
                    }
                }
            }
            return v;
        }
    }

    @Override
    public String toString() {
        return name + " " + shapes;
    }
}
