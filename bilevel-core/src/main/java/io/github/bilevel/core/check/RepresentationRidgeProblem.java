package io.github.bilevel.core.check;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Ridge regression on a learned representation: features {@code F = tanh(X A)} with the map {@code A} (4 × 3) as the
 * hyperparameter, computed once per hypergradient through {@link Problem#derived}; inner {@code ½‖F w − y‖² +
 * ½·l2·‖w‖²}, outer {@code ½‖F_v w − y_v‖²} on 12 training and 12 validation rows. Since {@code |tanh| ≤ 1}, the inner
 * Hessian's largest eigenvalue is at most {@code 36 + l2}, so gradient descent with {@link #safeLearningRate()}
 * contracts by at least {@code 1 − l2 / (36 + l2)} per step for every A.
 */
public final class RepresentationRidgeProblem implements Problem {
    public static final String MAP = "A";
    private static final int N = 12;
    private static final int D = 4;
    private static final int K = 3;

    private final double[] x = new double[N * D];
    private final double[] xv = new double[N * D];
    private final double[] y = new double[N];
    private final double[] yv = new double[N];
    private final double[] a0 = new double[D * K];
    private final double l2;

    public RepresentationRidgeProblem(long seed, double l2) {
        Random r = new Random(seed);
        for (double[] v : List.of(x, xv, y, yv, a0)) {
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextGaussian() * 0.7;
            }
        }
        this.l2 = l2;
    }

    /** {@code 1 / (N·K + l2)}: below 1 / (largest Hessian eigenvalue) whatever A is. */
    public double safeLearningRate() {
        return 1.0 / (N * K + l2);
    }

    @Override
    public String id() {
        return "representation-ridge";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(new HyperparameterSpec(MAP, Shape.of(D, K), a0, new Constraint.Unconstrained()));
    }

    @Override
    public Map<String, Tensor> derived(Ops ops, Hyperparameters hyper) {
        Tensor a = hyper.get(MAP);
        return Map.of("train", ops.tanh(ops.matmul(ops.constant(x, Shape.of(N, D)), a)),
                "validation", ops.tanh(ops.matmul(ops.constant(xv, Shape.of(N, D)), a)));
    }

    @Override
    public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
        return List.of(ops.zeros(Shape.of(K, 1), ops.defaultDType()));
    }

    private static Tensor residual(Ops ops, Tensor f, Tensor w, double[] target) {
        return ops.sub(ops.matmul(f, w), ops.constant(target, Shape.of(N, 1)));
    }

    @Override
    public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
        Tensor w = params.get(0);
        return ops.add(ops.mul(ops.sum(ops.square(residual(ops, hyper.get("train"), w, y))), 0.5),
                ops.mul(ops.sum(ops.square(w)), l2 / 2));
    }

    @Override
    public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return ops.mul(ops.sum(ops.square(residual(ops, hyper.get("validation"), params.get(0), yv))), 0.5);
    }
}
