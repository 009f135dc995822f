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
 * Per-example weights as hyperparameters: {@code L = ½ Σ σ(γ_i)(x_iᵀw − y_i)² + (μ/2)‖w‖²},
 * {@code E = ½‖X_v w − y_v‖²}, {@code w_0 = 0}, with the closed-form hypergradient
 * {@code ∂E/∂γ_i = −(x_iᵀH⁻¹∇_wE)(x_iᵀw* − y_i)σ′(γ_i)}, {@code H = XᵀSX + μI}.
 */
public final class WeightedRegressionProblem implements Problem {
    public static final String GAMMA = "gamma";
    private final int n;
    private final int d;
    private final double mu;
    private final double[] x;
    private final double[] y;
    private final double[] xv;
    private final double[] yv;
    private final double[] gamma0;

    public WeightedRegressionProblem() {
        this(50, 10, 1.0, 5L);
    }

    public WeightedRegressionProblem(int n, int d, double mu, long seed) {
        this.n = n;
        this.d = d;
        this.mu = mu;
        Random rng = new Random(seed);
        double[] w = Synthetic.gaussian(rng, d);
        x = Synthetic.gaussian(rng, n * d);
        xv = Synthetic.gaussian(rng, n * d);
        y = Synthetic.linearTargets(rng, x, w, n, d, 0.5);
        yv = Synthetic.linearTargets(rng, xv, w, n, d, 0.5);
        gamma0 = Synthetic.gaussian(rng, n);
    }



    @Override
    public String id() {
        return "weighted-regression";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(new HyperparameterSpec(GAMMA, Shape.of(n), gamma0, Constraint.none()));
    }

    @Override
    public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
        return List.of(ops.zeros(Shape.of(d, 1), ops.defaultDType()));
    }

    @Override
    public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
        Tensor w = params.get(0);
        Tensor r = ops.constant(x, Shape.of(n, d)).matmul(w).sub(ops.constant(y, Shape.of(n, 1)));
        Tensor weights = ops.reshape(ops.sigmoid(hyper.get(GAMMA)), Shape.of(n, 1));
        return weights.mul(r.square()).sum().mul(0.5).add(w.square().sum().mul(0.5 * mu));
    }

    @Override
    public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        Tensor r = ops.constant(xv, Shape.of(n, d)).matmul(params.get(0)).sub(ops.constant(yv, Shape.of(n, 1)));
        return r.square().sum().mul(0.5);
    }

    private double[][] hessian(double[] gamma) {
        double[][] h = new double[d][d];
        for (int i = 0; i < n; i++) {
            double s = sigmoid(gamma[i]);
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    h[a][b] += s * x[i * d + a] * x[i * d + b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            h[a][a] += mu;
        }
        return h;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** The largest eigenvalue of the inner Hessian at γ, for a stable step 1/L. */
    public double lipschitzConstant(double[] gamma) {
        return RidgeRegressionProblem.largestEigenvalue(hessian(gamma));
    }

    /** The exact hypergradient at γ. */
    public double[] closedFormHypergradient(double[] gamma) {
        double[][] h = hessian(gamma);
        double[] rhs = new double[d];
        for (int i = 0; i < n; i++) {
            double s = sigmoid(gamma[i]);
            for (int j = 0; j < d; j++) {
                rhs[j] += s * x[i * d + j] * y[i];
            }
        }
        double[] wStar = RidgeRegressionProblem.solve(h, rhs);
        double[] gradE = new double[d];
        for (int i = 0; i < n; i++) {
            double r = -yv[i];
            for (int j = 0; j < d; j++) {
                r += xv[i * d + j] * wStar[j];
            }
            for (int j = 0; j < d; j++) {
                gradE[j] += xv[i * d + j] * r;
            }
        }
        double[] q = RidgeRegressionProblem.solve(h, gradE);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double xq = 0;
            double r = -y[i];
            for (int j = 0; j < d; j++) {
                xq += x[i * d + j] * q[j];
                r += x[i * d + j] * wStar[j];
            }
            double s = sigmoid(gamma[i]);
            out[i] = -xq * r * s * (1 - s);
        }
        return out;
    }
}
