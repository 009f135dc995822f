package io.github.bilevel.testkit;

/** Closed-form derivatives in plain Java, independent of the engine, for checking it. */
public final class AnalyticForms {
    private AnalyticForms() {
    }

    /**
     * Hessian-vector product of the mean softmax cross-entropy {@code L(W) = (1/n) Σ_i CE(x_i W, y_i)} for
     * {@code X [n, d]}, {@code W, V [d, k]}: {@code (1/n) Xᵀ R} with {@code R_i = p_i ⊙ u_i − p_i (p_iᵀ u_i)},
     * {@code u_i = x_i V}, {@code p_i = softmax(x_i W)}. The labels do not enter the Hessian.
     */
    public static double[] softmaxRegressionHvp(double[] x, double[] w, double[] v, int[] labels, int n, int d, int k) {
        double[] out = new double[d * k];
        for (int i = 0; i < n; i++) {
            double[] z = new double[k];
            double[] u = new double[k];
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    z[c] += x[i * d + j] * w[j * k + c];
                    u[c] += x[i * d + j] * v[j * k + c];
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double zc : z) {
                max = Math.max(max, zc);
            }
            double sum = 0;
            double[] p = new double[k];
            for (int c = 0; c < k; c++) {
                p[c] = Math.exp(z[c] - max);
                sum += p[c];
            }
            double pu = 0;
            for (int c = 0; c < k; c++) {
                p[c] /= sum;
                pu += p[c] * u[c];
            }
            for (int c = 0; c < k; c++) {
                double r = p[c] * u[c] - p[c] * pu;
                for (int j = 0; j < d; j++) {
                    out[j * k + c] += x[i * d + j] * r / n;
                }
            }
        }
        return out;
    }
}
