package io.github.bilevel.core.check;

import java.util.Random;

/** Seeded synthetic regression data for the check problems. */
final class Synthetic {
    private Synthetic() {
    }

    static double[] gaussian(Random rng, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    /** {@code y_i = x_iᵀw + noise·ε_i} for row-major {@code features [n, d]}. */
    static double[] linearTargets(Random rng, double[] features, double[] w, int n, int d, double noise) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += features[i * d + j] * w[j];
            }
            t[i] = s + noise * rng.nextGaussian();
        }
        return t;
    }
}
