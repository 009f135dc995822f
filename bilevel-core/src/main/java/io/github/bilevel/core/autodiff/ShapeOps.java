package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Matrix product, layout and indexing operations. Each derivative rule uses the operation's adjoint. */
final class ShapeOps {
    private ShapeOps() {
    }

    record Matmul(boolean transposeA, boolean transposeB) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.matmul(in[0], in[1], transposeA, transposeB);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Tensor a = out.inputs[0];
            Tensor b = out.inputs[1];
            Tensor da = null;
            Tensor db = null;
            if (!transposeA && !transposeB) {
                da = needed[0] ? e.matmul(g, b, false, true) : null;
                db = needed[1] ? e.matmul(a, g, true, false) : null;
            } else if (transposeA && !transposeB) {
                da = needed[0] ? e.matmul(b, g, false, true) : null;
                db = needed[1] ? e.matmul(a, g, false, false) : null;
            } else if (!transposeA) {
                da = needed[0] ? e.matmul(g, b, false, false) : null;
                db = needed[1] ? e.matmul(g, a, true, false) : null;
            } else {
                da = needed[0] ? e.matmul(b, g, true, true) : null;
                db = needed[1] ? e.matmul(g, a, true, true) : null;
            }
            return new Tensor[] {da, db};
        }
    }

    record Reshape(Shape shape) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.reshape(in[0], shape);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            return new Tensor[] {e.reshape(g, out.inputs[0].shape())};
        }
    }

    record Permute(int[] axes) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.permute(in[0], axes);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            int[] inverse = new int[axes.length];
            for (int i = 0; i < axes.length; i++) {
                inverse[axes[i]] = i;
            }
            return new Tensor[] {e.permute(g, inverse)};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Permute p && Arrays.equals(axes, p.axes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(axes);
        }
    }

    /** Broadcast to {@code shape}: the input is first given the target's rank by leading size-1 axes. */
    record BroadcastTo(Shape shape) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            NdArray x = in[0];
            if (x.shape().rank() == shape.rank()) {
                return b.broadcastTo(x, shape);
            }
            int[] padded = new int[shape.rank()];
            Arrays.fill(padded, 1);
            int offset = shape.rank() - x.shape().rank();
            for (int i = 0; i < x.shape().rank(); i++) {
                padded[offset + i] = x.shape().dim(i);
            }
            try (NdArray r = b.reshape(x, Shape.of(padded))) {
                return b.broadcastTo(r, shape);
            }
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            return new Tensor[] {e.sumToShape(g, out.inputs[0].shape())};
        }
    }

    /** Sum over broadcast axes back to {@code shape}: the adjoint of {@link BroadcastTo}. */
    record SumToShape(Shape shape) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            NdArray x = in[0];
            Shape from = x.shape();
            int offset = from.rank() - shape.rank();
            List<Integer> axes = new ArrayList<>();
            for (int i = 0; i < from.rank(); i++) {
                if (i < offset || (shape.dim(i - offset) == 1 && from.dim(i) != 1)) {
                    axes.add(i);
                }
            }
            if (axes.isEmpty()) {
                return b.reshape(x, shape);
            }
            try (NdArray s = b.reduceSum(x, axes.stream().mapToInt(Integer::intValue).toArray(), true)) {
                return b.reshape(s, shape);
            }
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            return new Tensor[] {e.broadcastTo(g, out.inputs[0].shape())};
        }
    }

    record Concat(int axis) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.concat(List.of(in), axis);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Tensor[] result = new Tensor[out.inputs.length];
            int offset = 0;
            int[] begin = new int[out.shape().rank()];
            for (int i = 0; i < result.length; i++) {
                int[] size = out.inputs[i].shape().dims();
                if (needed[i]) {
                    begin[axis] = offset;
                    result[i] = e.slice(g, begin.clone(), size);
                }
                offset += size[axis];
            }
            return result;
        }
    }

    record Slice(int[] begin, int[] size) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.slice(in[0], begin, size);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            int[] full = out.inputs[0].shape().dims();
            int[] after = new int[full.length];
            for (int i = 0; i < full.length; i++) {
                after[i] = full[i] - begin[i] - size[i];
            }
            return new Tensor[] {e.pad(g, begin, after)};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slice s && Arrays.equals(begin, s.begin) && Arrays.equals(size, s.size);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(begin) + Arrays.hashCode(size);
        }
    }

    record Pad(int[] before, int[] after) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.pad(in[0], before, after);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            return new Tensor[] {e.slice(g, before, out.inputs[0].shape().dims())};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pad p && Arrays.equals(before, p.before) && Arrays.equals(after, p.after);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(before) + Arrays.hashCode(after);
        }
    }

    record GatherRows(int[] indices) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.gatherRows(in[0], indices);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            return new Tensor[] {e.scatterAddRows(g, indices, out.inputs[0].shape().dim(0))};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GatherRows r && Arrays.equals(indices, r.indices);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(indices);
        }
    }

    record ScatterAddRows(int[] indices, int rows) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.scatterAddRows(in[0], indices, rows);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            return new Tensor[] {e.gatherRows(g, indices)};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ScatterAddRows r && rows == r.rows && Arrays.equals(indices, r.indices);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(indices) + rows;
        }
    }
}
