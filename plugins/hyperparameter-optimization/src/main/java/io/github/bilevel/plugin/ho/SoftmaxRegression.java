package io.github.bilevel.plugin.ho;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Softmax regression {@code softmax(xW + b)} on cached data: the model of both experiments. */
final class SoftmaxRegression {
    private SoftmaxRegression() {
    }

    /** Parameters {@code W [features, classes]} and {@code b [classes]} at zero. */
    static List<Tensor> zeros(Ops ops, int features, int classes) {
        return List.of(ops.zeros(Shape.of(features, classes), ops.defaultDType()),
                ops.zeros(Shape.of(classes), ops.defaultDType()));
    }

    static Tensor logits(Ops ops, Tensor x, List<Tensor> params) {
        return ops.add(ops.matmul(x, params.get(0)), params.get(1));
    }

    /** Per-example cross-entropy, a vector. */
    static Tensor losses(Ops ops, Tensor x, int[] labels, List<Tensor> params) {
        return ops.softmaxCrossEntropy(logits(ops, x, params), labels);
    }

    /** Fraction of rows whose largest logit is the label. */
    static double accuracy(Ops ops, Tensor x, int[] labels, List<Tensor> params) {
        try (Scope s = ops.scope()) {
            return accuracy(logits(ops, x, params).toDoubleArray(), labels, params.get(1).shape().dim(0));
        }
    }

    /** Fraction of rows of row-major {@code z [n, classes]} whose largest entry is the label. */
    static double accuracy(double[] z, int[] labels, int classes) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z[i * classes + c] > z[i * classes + best]) {
                    best = c;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return correct / (double) labels.length;
    }

    /**
     * Full-batch gradient descent from zero on {@code Σ_i w_i·CE_i / n} plus {@code l2/2·‖W‖²}; returns the parameters,
     * owned by the caller's scope.
     *
     * @param weights per-example weights, or null for all ones
     */
    static List<Tensor> train(Ops ops, Tensor x, int[] labels, Tensor weights, int classes, int steps, double lr,
                              double l2, Runnable onStep) {
        return trainFrom(ops, x, labels, weights, zeros(ops, x.shape().dim(1), classes), steps, lr, l2, onStep);
    }

    /** As {@link #train}, from the given parameters (which it closes) instead of zero. */
    private static List<Tensor> trainFrom(Ops ops, Tensor x, int[] labels, Tensor weights, List<Tensor> start,
                                          int steps, double lr, double l2, Runnable onStep) {
        List<Tensor> params = start;
        for (int t = 0; t < steps; t++) {
            List<Tensor> next = new ArrayList<>();
            try (Scope s = ops.scope()) {
                Tensor ce = losses(ops, x, labels, params);
                Tensor weighted = weights == null ? ce : ops.mul(weights, ce);
                Tensor loss = ops.div(ops.sum(weighted), labels.length);
                if (l2 > 0) {
                    loss = ops.add(loss, ops.mul(ops.sum(ops.square(params.get(0))), l2 / 2));
                }
                List<Tensor> g = ops.grad(loss, params, false);
                for (int i = 0; i < params.size(); i++) {
                    next.add(s.keep(ops.sub(params.get(i), ops.mul(g.get(i), lr))));
                }
            }
            params.forEach(Tensor::close);
            params = next;
            ops.stepBoundary(); // in a compiled region, every step runs one compiled graph
            if (onStep != null) {
                onStep.run();
            }
        }
        return params;
    }

    /** Steps per compiled region in {@link #trainAndScore}: the first region of a key runs eagerly while it records. */
    private static final int STEPS_PER_REGION = 100;

    /**
     * Trains as {@link #train} (without L2) and returns the fraction of {@code evalX}'s rows classified as
     * {@code evalLabels} by the trained model, for each evaluation set. Where the backend compiles, the steps run in
     * compiled regions of {@value #STEPS_PER_REGION} steps, one compiled graph per step (the parameters are read back
     * between regions, losslessly), so only the first region of each kind is recorded eagerly. {@code onStep} runs
     * once per step, after the region holding the step.
     */
    static double[] trainAndScore(Ops ops, Object key, Tensor x, int[] labels, double[] weights, int classes,
                                  int steps, double lr, Runnable onStep, List<Tensor> evalX, List<int[]> evalLabels) {
        int features = x.shape().dim(1);
        double[][] params = null; // null: zero
        for (int done = 0; done < steps; done += STEPS_PER_REGION) {
            int n = Math.min(STEPS_PER_REGION, steps - done);
            double[][] from = params;
            params = ops.compiled(List.of("softmax-train", key, n, lr, classes, weights == null, from == null), () -> {
                try (Scope s = ops.scope()) {
                    Tensor w = weights == null ? null : ops.constant(weights, Shape.of(weights.length));
                    List<Tensor> start = parameters(ops, from, features, classes);
                    List<Tensor> trained = trainFrom(ops, x, labels, w, start, n, lr, 0, null);
                    return new double[][] {trained.get(0).toDoubleArray(), trained.get(1).toDoubleArray()};
                }
            });
            // Counted here, not in the region's body: a compiled replay does not run the body, and recording may run
            // it more than once, so steps counted inside it would depend on the backend.
            for (int i = 0; onStep != null && i < n; i++) {
                onStep.run();
            }
        }
        try (Scope s = ops.scope()) {
            List<Tensor> trained = parameters(ops, params, features, classes);
            double[] scores = new double[evalX.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = accuracy(ops, evalX.get(i), evalLabels.get(i), trained);
            }
            return scores;
        }
    }

    /** {@code W} and {@code b} from their values read back ({@code values[0]}, {@code values[1]}), or zero if null. */
    private static List<Tensor> parameters(Ops ops, double[][] values, int features, int classes) {
        return values == null ? zeros(ops, features, classes)
                : List.of(ops.constant(values[0], Shape.of(features, classes)), ops.constant(values[1],
                        Shape.of(classes)));
    }
}
