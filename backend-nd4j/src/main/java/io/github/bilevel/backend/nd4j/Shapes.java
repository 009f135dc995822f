package io.github.bilevel.backend.nd4j;

import io.github.bilevel.api.tensor.Shape;

/** Result shapes worked out on the Java side, so that results can be taken from the pool before a kernel runs. */
final class Shapes {
    private Shapes() {
    }

    /** ND4J's form of a shape. */
    static long[] longs(Shape s) {
        long[] l = new long[s.rank()];
        for (int i = 0; i < l.length; i++) {
            l[i] = s.dim(i);
        }
        return l;
    }

    /** {@code op(a)·op(b)} for matrices a and b. */
    static Shape product(Shape a, Shape b, boolean transposeA, boolean transposeB) {
        return Shape.of(transposeA ? a.dim(1) : a.dim(0), transposeB ? b.dim(0) : b.dim(1));
    }

    /** The shape of a sum of {@code s} over {@code axes} (distinct, sorted). */
    static Shape reduced(Shape s, int[] axes, boolean keepDims) {
        int[] dims = new int[keepDims ? s.rank() : s.rank() - axes.length];
        for (int i = 0, j = 0, k = 0; i < s.rank(); i++) {
            boolean reduce = k < axes.length && axes[k] == i;
            if (reduce) {
                k++;
            }
            if (!reduce || keepDims) {
                dims[j++] = reduce ? 1 : s.dim(i);
            }
        }
        return Shape.of(dims);
    }
}
