package io.github.bilevel.core.check;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Ridge regression with the L2 weight λ as hyperparameter:
 * {@code L(w, λ) = ½‖Xw − y‖² + (λ/2)‖w‖²}, {@code E(w) = ½‖X_v w − y_v‖²}, {@code w_0 = 0}.
 * The inner optimum and the exact hypergradient have closed forms ({@link #closedFormHypergradient}), which makes this
 * the correctness anchor for every strategy. Data are drawn from a seeded Gaussian linear model.
 */
public final class RidgeRegressionProblem implements Problem {
    public static final String LAMBDA = "lambda";
    private final int n;
    private final int d;
    private final double[] x;
    private final double[] y;
    private final double[] xv;
    private final double[] yv;
    private final double initialLambda;

    /** The default instance: n = 50 training and 50 validation rows, d = 10, λ₀ = 3, seed 7. */
    public RidgeRegressionProblem() {
        this(50, 10, 3.0, 7L);
    }

    public RidgeRegressionProblem(int n, int d, double initialLambda, long seed) {
        if (n < 1 || d < 1) {
            throw new IllegalArgumentException("Ridge regression needs n >= 1 and d >= 1, got n=" + n + ", d=" + d);
        }
        this.n = n;
        this.d = d;
        this.initialLambda = initialLambda;
        Random rng = new Random(seed);
        double[] wTrue = Synthetic.gaussian(rng, d);
        this.x = Synthetic.gaussian(rng, n * d);
        this.xv = Synthetic.gaussian(rng, n * d);
        this.y = Synthetic.linearTargets(rng, x, wTrue, n, d, 0.5);
        this.yv = Synthetic.linearTargets(rng, xv, wTrue, n, d, 0.5);
    }



    @Override
    public String id() {
        return "ridge";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(HyperparameterSpec.scalar(LAMBDA, initialLambda, Constraint.box(0.0, Double.MAX_VALUE)));
    }

    @Override
    public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
        return List.of(ops.zeros(Shape.of(d, 1), ops.defaultDType()));
    }

    @Override
    public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
        Tensor w = params.get(0);
        Tensor residual = ops.constant(x, Shape.of(n, d)).matmul(w).sub(ops.constant(y, Shape.of(n, 1)));
        Tensor fit = residual.square().sum().mul(0.5);
        Tensor penalty = hyper.get(LAMBDA).mul(w.square().sum()).mul(0.5);
        return fit.add(penalty);
    }

    @Override
    public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        Tensor residual = ops.constant(xv, Shape.of(n, d)).matmul(params.get(0)).sub(ops.constant(yv, Shape.of(n, 1)));
        return residual.square().sum().mul(0.5);
    }

    /**
     * The largest eigenvalue of the inner Hessian {@code XᵀX + λI} (by power iteration), so that {@code 1/L} is a
     * stable gradient-descent step.
     */
    public double lipschitzConstant(double lambda) {
        return largestEigenvalue(gram()) + lambda;
    }

    static double largestEigenvalue(double[][] a) {
        int m = a.length;
        double[] v = new double[m];
        java.util.Arrays.fill(v, 1.0 / Math.sqrt(m));
        double value = 0;
        for (int it = 0; it < 1000; it++) {
            double[] w = new double[m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    w[i] += a[i][j] * v[j];
                }
            }
            double norm = 0;
            for (double x : w) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < m; i++) {
                v[i] = w[i] / norm;
            }
            if (Math.abs(norm - value) <= 1e-15 * norm) {
                return norm;
            }
            value = norm;
        }
        return value;
    }

    private double[][] gram() {
        double[][] g = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    g[a][b] += x[i * d + a] * x[i * d + b];
                }
            }
        }
        return g;
    }

    /** The exact hypergradient {@code dE/dλ = −r_vᵀ(XᵀX + λI)⁻¹w*}, {@code r_v = X_vᵀ(X_v w* − y_v)}, in float64. */
    public double closedFormHypergradient(double lambda) {
        double[][] a = gram();
        for (int i = 0; i < d; i++) {
            a[i][i] += lambda;
        }
        double[] xty = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                xty[j] += x[i * d + j] * y[i];
            }
        }
        double[] wStar = solve(a, xty);
        double[] rv = new double[d];
        for (int i = 0; i < n; i++) {
            double r = -yv[i];
            for (int j = 0; j < d; j++) {
                r += xv[i * d + j] * wStar[j];
            }
            for (int j = 0; j < d; j++) {
                rv[j] += xv[i * d + j] * r;
            }
        }
        double[] q = solve(a, wStar);
        double s = 0;
        for (int j = 0; j < d; j++) {
            s -= rv[j] * q[j];
        }
        return s;
    }

    /** Gaussian elimination with partial pivoting on a copy. */
    static double[] solve(double[][] matrix, double[] rhs) {
        int m = rhs.length;
        double[][] a = new double[m][];
        for (int i = 0; i < m; i++) {
            a[i] = java.util.Arrays.copyOf(matrix[i], m + 1);
            a[i][m] = rhs[i];
        }
        for (int c = 0; c < m; c++) {
            int p = c;
            for (int r = c + 1; r < m; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            for (int r = c + 1; r < m; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k <= m; k++) {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
        double[] sol = new double[m];
        for (int r = m - 1; r >= 0; r--) {
            double s = a[r][m];
            for (int k = r + 1; k < m; k++) {
                s -= a[r][k] * sol[k];
            }
            sol[r] = s / a[r][r];
        }
        return sol;
    }
}
