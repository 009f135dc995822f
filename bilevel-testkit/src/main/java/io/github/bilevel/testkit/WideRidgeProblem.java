package io.github.bilevel.testkit;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.spi.GraphPolicy;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.List;

/**
 * Ridge regression with {@value #OUTPUTS} outputs on {@value #ROWS} × {@value #FEATURES} data, exactly
 * {@link GraphPolicy#MERGE_MIN_LEFT_ELEMENTS} elements: reverse mode's recomputed step multiplies the data by the
 * weights and its vector-Jacobian product multiplies it by the adjoint, two products of {@value #OUTPUTS} columns
 * sharing their left operand, which compiled and replayed regions merge (ADR 0011).
 */
final class WideRidgeProblem implements Problem {
    static final int ROWS = 1024;
    static final int FEATURES = 64;
    static final int OUTPUTS = 4;
    static final String LAMBDA = "l2";

    private static double[] values(int n, double scale, int seed) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * Math.sin(0.7 * i + seed) * Math.cos(0.013 * i * seed + 1);
        }
        return v;
    }

    private static Tensor data(Ops ops, String name, int rows, int cols, int seed) {
        return ops.cached(WideRidgeProblem.class.getName() + "." + name + "." + ops.defaultDType(),
                () -> ops.constant(values(rows * cols, 1.0 / Math.sqrt(rows), seed), Shape.of(rows, cols)));
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(HyperparameterSpec.scalar(LAMBDA, 0.3, Constraint.none()));
    }

    @Override
    public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
        return List.of(ops.constant(values(FEATURES * OUTPUTS, 0.1, 5), Shape.of(FEATURES, OUTPUTS)));
    }

    @Override
    public Tensor innerObjective(Ops ops, List<Tensor> w, Hyperparameters hyper, int step) {
        Tensor r = ops.sub(ops.matmul(data(ops, "x", ROWS, FEATURES, 1), w.get(0)), data(ops, "y", ROWS, OUTPUTS, 2));
        Tensor l2 = ops.mul(hyper.get(LAMBDA), ops.sum(ops.square(w.get(0))));
        return ops.mul(ops.add(ops.sum(ops.square(r)), l2), 0.5);
    }

    @Override
    public Tensor outerObjective(Ops ops, List<Tensor> w, Hyperparameters hyper) {
        Tensor r = ops.sub(ops.matmul(data(ops, "xv", ROWS, FEATURES, 3), w.get(0)),
                data(ops, "yv", ROWS, OUTPUTS, 4));
        return ops.mul(ops.sum(ops.square(r)), 0.5);
    }
}
