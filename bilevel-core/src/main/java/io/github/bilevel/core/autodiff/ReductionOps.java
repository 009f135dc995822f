package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.Arrays;

/** Reductions and their derivative rules. */
final class ReductionOps {
    private ReductionOps() {
    }

    /** The shape of x with the reduced axes kept as size 1. */
    static Shape keptShape(Shape x, int[] axes) {
        int[] dims = x.dims();
        for (int a : axes) {
            dims[a] = 1;
        }
        return Shape.of(dims);
    }

    record Sum(int[] axes, boolean keepDims) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.reduceSum(in[0], axes, keepDims);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Shape in = out.inputs[0].shape();
            Tensor kept = keepDims ? g : e.reshape(g, keptShape(in, axes));
            return new Tensor[] {e.broadcastTo(kept, in)};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sum s && keepDims == s.keepDims && Arrays.equals(axes, s.axes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(axes) * 2 + (keepDims ? 1 : 0);
        }
    }

    /** Maximum along one axis; ties share the derivative equally. */
    record Max(int axis, boolean keepDims) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.reduceMax(in[0], axis, keepDims);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Tensor x = out.inputs[0];
            Shape kept = keptShape(x.shape(), new int[] {axis});
            Tensor maxKept = keepDims ? out : e.reshape(out, kept);
            Tensor mask = e.equal(x, e.broadcastTo(maxKept, x.shape()));
            Tensor count = e.sum(mask, new int[] {axis}, true);
            Tensor gKept = keepDims ? g : e.reshape(g, kept);
            return new Tensor[] {e.mul(mask, e.broadcastTo(e.div(gKept, count), x.shape()))};
        }
    }
}
