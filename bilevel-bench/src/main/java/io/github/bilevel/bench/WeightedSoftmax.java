package io.github.bilevel.bench;

import static io.github.bilevel.bench.Measurement.uniform;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Weighted softmax regression on fixed random data: the shape of the hyper-cleaning problem. */
final class WeightedSoftmax implements Problem {
    private final double[] x;
    private final int[] labels;
    private final double[] xv;
    private final int[] yv;

    WeightedSoftmax(int n, int features, long seed) {
        Random rng = new Random(seed);
        x = uniform(rng, n * features);
        xv = uniform(rng, n * features);
        labels = new int[n];
        yv = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(10);
            yv[i] = rng.nextInt(10);
        }
    }

    private Tensor data(Ops ops, String name, double[] values) {
        return ops.cached(List.of(this, name), () -> ops.constant(values, Shape.of(labels.length,
                values.length / labels.length)));
    }

    @Override
    public String id() {
        return "bench-weighted-softmax";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        double[] half = new double[labels.length];
        Arrays.fill(half, 0.5);
        return List.of(new HyperparameterSpec("weights", Shape.of(labels.length), half,
                new Constraint.Box(0, 1)));
    }

    @Override
    public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
        int f = x.length / labels.length;
        return List.of(ops.zeros(Shape.of(f, 10), ops.defaultDType()), ops.zeros(Shape.of(10),
                ops.defaultDType()));
    }

    private static Tensor losses(Ops ops, Tensor x, int[] y, List<Tensor> p) {
        return ops.softmaxCrossEntropy(ops.add(ops.matmul(x, p.get(0)), p.get(1)), y);
    }

    @Override
    public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
        Tensor ce = losses(ops, data(ops, "x", x), labels, params);
        return ops.div(ops.sum(ops.mul(hyper.get("weights"), ce)), labels.length);
    }

    @Override
    public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return ops.mean(losses(ops, data(ops, "xv", xv), yv, params));    }

    /** W1's problem (and W3's): 5,000 examples of 784 features, the size of the hyper-cleaning problem. */
    static final WeightedSoftmax W1 = new WeightedSoftmax(5000, 784, 1);

    /**
     * W1's inner solver: the hyperparameters are the per-example weights alone, as in hyper-cleaning, so the learning
     * rate is a constant.
     */
    static final InnerSolver W1_SOLVER = GradientDescent.fixedRate(0.1);
}
