package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.api.tensor.TensorFunction;
import java.util.List;
import java.util.function.Function;

/**
 * The operations of {@link Ops} built from other operations (no kernel and no derivative rule of their own): their
 * derivatives follow from those of the operations they are made of. {@link Engine} supplies the rest.
 */
abstract class CompositeOps implements Ops {

    /** {@link Ops#function} as the interface defines it: the body runs on every application (no compiling backend). */
    final TensorFunction uncompiledFunction(Function<List<Tensor>, List<Tensor>> body) {
        return Ops.super.function(body);
    }

    @Override
    public Tensor clip(Tensor x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clip needs lo <= hi, got [" + lo + ", " + hi + "]");
        }
        Tensor loT = full(Shape.scalar(), lo, x.dtype());
        Tensor hiT = full(Shape.scalar(), hi, x.dtype());
        return where(greater(loT, x), loT, where(greater(x, hiT), hiT, x));
    }

    @Override
    public Tensor mean(Tensor x) {
        return mul(sum(x), 1.0 / x.size());
    }

    @Override
    public Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        int[] norm = ArgumentChecks.normalizeAxes(x.shape(), axes);
        long n = 1;
        for (int a : norm) {
            n *= x.shape().dim(a);
        }
        return mul(sum(x, norm, keepDims), 1.0 / n);
    }

    @Override
    public Tensor logSoftmax(Tensor x, int axis) {
        // The shift by the (detached) maximum keeps exp() finite; the result and its derivative do not depend on it.
        Tensor shift = max(x.detach(), axis, true);
        Tensor shifted = sub(x, shift);
        Tensor logSumExp = log(sum(exp(shifted), new int[] {axis}, true));
        return sub(shifted, logSumExp);
    }

    @Override
    public Tensor softmax(Tensor x, int axis) {
        return exp(logSoftmax(x, axis));
    }

    @Override
    public Tensor softmaxCrossEntropy(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || logits.shape().dim(0) != labels.length) {
            throw new IllegalArgumentException("softmaxCrossEntropy needs logits [n, classes] and n labels, got "
                    + logits.shape() + " and " + labels.length + " labels");
        }
        int classes = logits.shape().dim(1);
        double[] oneHot = new double[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("Label " + labels[i] + " at position " + i + " is out of range [0, "
                        + classes + ")");
            }
            oneHot[i * classes + labels[i]] = 1.0;
        }
        Tensor targets = constant(oneHot, logits.shape(), logits.dtype());
        return neg(sum(mul(targets, logSoftmax(logits, 1)), new int[] {1}, false));
    }

    private Tensor poolWindows(Tensor x, int k, String op) {
        if (x.rank() != 4 || k < 1 || x.shape().dim(2) % k != 0 || x.shape().dim(3) % k != 0) {
            throw new IllegalArgumentException(op + " needs an NCHW tensor whose height and width are multiples of "
                    + "the window " + k + ", got " + x.shape());
        }
        Shape s = x.shape();
        return reshape(x, Shape.of(s.dim(0), s.dim(1), s.dim(2) / k, k, s.dim(3) / k, k));
    }

    @Override
    public Tensor maxPool2d(Tensor x, int k) {
        return max(max(poolWindows(x, k, "maxPool2d"), 5, false), 3, false);
    }

    @Override
    public Tensor avgPool2d(Tensor x, int k) {
        return mul(sum(poolWindows(x, k, "avgPool2d"), new int[] {3, 5}, false), 1.0 / (k * k));
    }

    @Override
    public Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, int[] axes, double eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batchNorm needs eps > 0, got " + eps);
        }
        Tensor mean = mean(x, axes, true);
        Tensor centered = sub(x, mean);
        Tensor variance = mean(square(centered), axes, true);
        Tensor normalized = div(centered, sqrt(add(variance, eps)));
        return add(mul(gamma, normalized), beta);
    }
}
