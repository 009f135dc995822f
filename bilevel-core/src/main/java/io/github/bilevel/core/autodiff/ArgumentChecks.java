package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The checks {@link Engine} makes before it runs a kernel: kernels may assume consistent shapes (the backend SPI's
 * contract), so every mistake is reported here, with the values, in the terms of the operation the user called.
 */
final class ArgumentChecks {
    private ArgumentChecks() {
    }

    static void size(int n, Shape shape) {
        if (n != shape.size()) {
            throw new IllegalArgumentException(n + " values do not fill shape " + shape + " (" + shape.size() + " elements)");
        }
    }

    static void sameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ (" + a.dtype() + " and " + b.dtype()
                    + "); convert one with cast()");
        }
    }

    static void matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        sameDType("matmul", a, b);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul needs two matrices, got shapes " + a.shape() + " and " + b.shape());
        }
        int ka = transposeA ? a.shape().dim(0) : a.shape().dim(1);
        int kb = transposeB ? b.shape().dim(1) : b.shape().dim(0);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + a.shape() + (transposeA ? "ᵀ" : "")
                    + " · " + b.shape() + (transposeB ? "ᵀ" : ""));
        }
    }

    static void permutation(Tensor x, int[] axes) {
        int r = x.rank();
        boolean[] seen = new boolean[r];
        if (axes.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " is not a permutation of the "
                    + r + " axes of " + x.shape());
        }
        for (int a : axes) {
            if (a < 0 || a >= r || seen[a]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " is not a permutation of the "
                        + r + " axes of " + x.shape());
            }
            seen[a] = true;
        }
    }

    static void reshape(Tensor x, Shape shape) {
        if (shape.size() != x.size()) {
            throw new IllegalArgumentException("Cannot reshape " + x.shape() + " (" + x.size() + " elements) to "
                    + shape + " (" + shape.size() + " elements)");
        }
    }

    static void broadcastTo(Tensor x, Shape shape) {
        if (!Shape.broadcast(x.shape(), shape).equals(shape)) {
            throw new IllegalArgumentException("Cannot broadcast " + x.shape() + " to " + shape);
        }
    }

    static void sumToShape(Tensor x, Shape shape) {
        if (!Shape.broadcast(shape, x.shape()).equals(x.shape())) {
            throw new IllegalArgumentException("Cannot sum " + x.shape() + " to " + shape
                    + ": the target must broadcast to the input");
        }
    }

    /** The axis of the concatenation, normalized. */
    static int concat(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        Shape first = xs.get(0).shape();
        int a = first.normalizeAxis(axis);
        for (Tensor t : xs) {
            sameDType("concat", xs.get(0), t);
            boolean ok = t.rank() == first.rank();
            for (int i = 0; ok && i < first.rank(); i++) {
                ok = i == a || t.shape().dim(i) == first.dim(i);
            }
            if (!ok) {
                throw new IllegalArgumentException("concat along axis " + axis + ": shapes " + first + " and "
                        + t.shape() + " differ on another axis");
            }
        }
        return a;
    }

    static void slice(Tensor x, int[] begin, int[] size) {
        int[] dims = x.shape().dims();
        boolean ok = begin.length == dims.length && size.length == dims.length;
        for (int i = 0; ok && i < dims.length; i++) {
            ok = begin[i] >= 0 && size[i] >= 0 && begin[i] + size[i] <= dims[i];
        }
        if (!ok) {
            throw new IllegalArgumentException("slice begin " + Arrays.toString(begin) + " size " + Arrays.toString(size)
                    + " does not fit shape " + x.shape());
        }
    }

    static void pad(Tensor x, int[] before, int[] after) {
        boolean ok = before.length == x.rank() && after.length == x.rank();
        for (int i = 0; ok && i < before.length; i++) {
            ok = before[i] >= 0 && after[i] >= 0;
        }
        if (!ok) {
            throw new IllegalArgumentException("pad needs one non-negative before/after per axis of " + x.shape()
                    + ", got " + Arrays.toString(before) + " / " + Arrays.toString(after));
        }
    }

    static void gatherRows(Tensor x, int[] indices) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException("gatherRows needs rank >= 1, got a scalar");
        }
        rows(indices, x.shape().dim(0), "gatherRows");
    }

    static void scatterAddRows(Tensor updates, int[] indices, int rows) {
        if (updates.rank() < 1 || updates.shape().dim(0) != indices.length) {
            throw new IllegalArgumentException("scatterAddRows: " + indices.length + " indices for updates of shape "
                    + updates.shape());
        }
        rows(indices, rows, "scatterAddRows");
    }

    private static void rows(int[] indices, int rows, String op) {
        for (int i : indices) {
            if (i < 0 || i >= rows) {
                throw new IllegalArgumentException(op + ": row index " + i + " is out of range [0, " + rows + ")");
            }
        }
    }

    /** The axes in range, sorted; a repeated axis is an error. */
    static int[] normalizeAxes(Shape shape, int[] axes) {
        int[] norm = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            norm[i] = shape.normalizeAxis(axes[i]);
        }
        Arrays.sort(norm);
        for (int i = 1; i < norm.length; i++) {
            if (norm[i] == norm[i - 1]) {
                throw new IllegalArgumentException("Axis " + norm[i] + " repeated in " + Arrays.toString(axes));
            }
        }
        return norm;
    }

    static void conv2d(Tensor x, Tensor filter, Conv2dSpec spec) {
        sameDType("conv2d", x, filter);
        if (x.rank() != 4 || filter.rank() != 4 || x.shape().dim(1) != filter.shape().dim(1)) {
            throw new IllegalArgumentException("conv2d needs x [n, c, h, w] and filter [out, c, kh, kw], got "
                    + x.shape() + " and " + filter.shape());
        }
        int oh = Conv2dSpec.outputSize(x.shape().dim(2), filter.shape().dim(2), spec.strideH(), spec.padH());
        int ow = Conv2dSpec.outputSize(x.shape().dim(3), filter.shape().dim(3), spec.strideW(), spec.padW());
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv2d: filter " + filter.shape() + " does not fit input " + x.shape()
                    + " with padding (" + spec.padH() + ", " + spec.padW() + ")");
        }
    }
}
