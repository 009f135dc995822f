package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.bilevel.api.spi.KernelGraph.Kernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a kernel call takes besides its array arguments: one record per {@link Kernel}, holding exactly the other
 * arguments of the {@link Backend} method. Together with the arguments, a record is everything needed to run the
 * call ({@link #apply}). Equality and hash codes are by content: arrays element by element, doubles as
 * {@link Double#compare} compares them ({@code -0.0} differs from {@code 0.0}), so two calls with equal attributes
 * compute the same function of their arguments (compiled segments are shared on that basis, ADR 0012). Array components are copied when a record is made
 * and must not be modified through their accessors.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public sealed interface KernelAttributes {

    /** The kernel these are the attributes of. */
    Kernel kernel();

    /**
     * Runs the call on {@code backend} with {@code args}, the array arguments in the order of the {@link Backend}
     * method. The result is a new array the caller owns.
     */
    NdArray apply(Backend backend, NdArray... args);

    /** {@link Backend#fromDoubles}; no arguments. */
    record FromDoubles(double[] values, Shape shape, DType dtype) implements KernelAttributes {
        public FromDoubles {
            values = values.clone();
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(dtype, "dtype");
        }

        @Override
        public Kernel kernel() {
            return Kernel.FROM_DOUBLES;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.fromDoubles(values, shape, dtype);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FromDoubles f && shape.equals(f.shape) && dtype == f.dtype
                    && Arrays.equals(values, f.values);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(values), shape, dtype);
        }

        @Override
        public String toString() {
            return "FromDoubles[" + values.length + " values, " + dtype + shape + "]";
        }
    }

    /** {@link Backend#full}; no arguments. */
    record Full(Shape shape, double value, DType dtype) implements KernelAttributes {
        public Full {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(dtype, "dtype");
        }

        @Override
        public Kernel kernel() {
            return Kernel.FULL;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.full(shape, value, dtype);
        }
    }

    /** {@link Backend#cast}; argument x. */
    record Cast(DType dtype) implements KernelAttributes {
        public Cast {
            Objects.requireNonNull(dtype, "dtype");
        }

        @Override
        public Kernel kernel() {
            return Kernel.CAST;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.cast(a[0], dtype);
        }
    }

    /** {@link Backend#unary}; argument x. */
    record Unary(UnaryKernel op) implements KernelAttributes {
        public Unary {
            Objects.requireNonNull(op, "op");
        }

        @Override
        public Kernel kernel() {
            return Kernel.UNARY;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.unary(op, a[0]);
        }
    }

    /** {@link Backend#binary}; arguments a, b. */
    record Binary(BinaryKernel op) implements KernelAttributes {
        public Binary {
            Objects.requireNonNull(op, "op");
        }

        @Override
        public Kernel kernel() {
            return Kernel.BINARY;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.binary(op, a[0], a[1]);
        }
    }

    /** {@link Backend#select}; arguments condition, a, b. */
    record Select() implements KernelAttributes {
        public static final Select INSTANCE = new Select();

        @Override
        public Kernel kernel() {
            return Kernel.SELECT;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.select(a[0], a[1], a[2]);
        }
    }

    /** {@link Backend#matmul}; arguments a, b. */
    record Matmul(boolean transposeA, boolean transposeB) implements KernelAttributes {
        private static final Matmul[] ALL = {new Matmul(false, false), new Matmul(false, true),
                new Matmul(true, false), new Matmul(true, true)};

        /** The shared instance for these flags (no allocation per call). */
        public static Matmul of(boolean transposeA, boolean transposeB) {
            return ALL[(transposeA ? 2 : 0) + (transposeB ? 1 : 0)];
        }

        @Override
        public Kernel kernel() {
            return Kernel.MATMUL;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.matmul(a[0], a[1], transposeA, transposeB);
        }
    }

    /** {@link Backend#reshape}; argument x. */
    record Reshape(Shape shape) implements KernelAttributes {
        public Reshape {
            Objects.requireNonNull(shape, "shape");
        }

        @Override
        public Kernel kernel() {
            return Kernel.RESHAPE;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.reshape(a[0], shape);
        }
    }

    /** {@link Backend#permute}; argument x. */
    record Permute(int[] axes) implements KernelAttributes {
        public Permute {
            axes = axes.clone();
        }

        @Override
        public Kernel kernel() {
            return Kernel.PERMUTE;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.permute(a[0], axes);
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

    /** {@link Backend#broadcastTo}; argument x. */
    record BroadcastTo(Shape shape) implements KernelAttributes {
        public BroadcastTo {
            Objects.requireNonNull(shape, "shape");
        }

        @Override
        public Kernel kernel() {
            return Kernel.BROADCAST_TO;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.broadcastTo(a[0], shape);
        }
    }

    /** {@link Backend#concat}; any number of arguments. */
    record Concat(int axis) implements KernelAttributes {
        @Override
        public Kernel kernel() {
            return Kernel.CONCAT;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.concat(List.of(a), axis);
        }
    }

    /** {@link Backend#slice}; argument x. */
    record Slice(int[] begin, int[] size) implements KernelAttributes {
        public Slice {
            begin = begin.clone();
            size = size.clone();
        }

        @Override
        public Kernel kernel() {
            return Kernel.SLICE;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.slice(a[0], begin, size);
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

    /** {@link Backend#pad}; argument x. */
    record Pad(int[] before, int[] after) implements KernelAttributes {
        public Pad {
            before = before.clone();
            after = after.clone();
        }

        @Override
        public Kernel kernel() {
            return Kernel.PAD;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.pad(a[0], before, after);
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

    /** {@link Backend#gatherRows}; argument x. */
    record GatherRows(int[] indices) implements KernelAttributes {
        public GatherRows {
            indices = indices.clone();
        }

        @Override
        public Kernel kernel() {
            return Kernel.GATHER_ROWS;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.gatherRows(a[0], indices);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GatherRows g && Arrays.equals(indices, g.indices);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(indices);
        }
    }

    /** {@link Backend#scatterAddRows}; argument updates. */
    record ScatterAddRows(int[] indices, int rows) implements KernelAttributes {
        public ScatterAddRows {
            indices = indices.clone();
        }

        @Override
        public Kernel kernel() {
            return Kernel.SCATTER_ADD_ROWS;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.scatterAddRows(a[0], indices, rows);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ScatterAddRows s && rows == s.rows && Arrays.equals(indices, s.indices);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(indices) + rows;
        }
    }

    /** {@link Backend#reduceSum}; argument x. */
    record ReduceSum(int[] axes, boolean keepDims) implements KernelAttributes {
        public ReduceSum {
            axes = axes.clone();
        }

        @Override
        public Kernel kernel() {
            return Kernel.REDUCE_SUM;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.reduceSum(a[0], axes, keepDims);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReduceSum r && keepDims == r.keepDims && Arrays.equals(axes, r.axes);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(axes) + Boolean.hashCode(keepDims);
        }
    }

    /** {@link Backend#reduceMax}; argument x. */
    record ReduceMax(int axis, boolean keepDims) implements KernelAttributes {
        @Override
        public Kernel kernel() {
            return Kernel.REDUCE_MAX;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.reduceMax(a[0], axis, keepDims);
        }
    }

    /** {@link Backend#conv2d}; arguments x, filter. */
    record Conv2d(Conv2dSpec spec) implements KernelAttributes {
        public Conv2d {
            Objects.requireNonNull(spec, "spec");
        }

        @Override
        public Kernel kernel() {
            return Kernel.CONV2D;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.conv2d(a[0], a[1], spec);
        }
    }

    /** {@link Backend#conv2dBackpropInput}; arguments filter, dy. */
    record Conv2dBackpropInput(Shape inputShape, Conv2dSpec spec) implements KernelAttributes {
        public Conv2dBackpropInput {
            Objects.requireNonNull(inputShape, "inputShape");
            Objects.requireNonNull(spec, "spec");
        }

        @Override
        public Kernel kernel() {
            return Kernel.CONV2D_BACKPROP_INPUT;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.conv2dBackpropInput(inputShape, a[0], a[1], spec);
        }
    }

    /** {@link Backend#conv2dBackpropFilter}; arguments x, dy. */
    record Conv2dBackpropFilter(Shape filterShape, Conv2dSpec spec) implements KernelAttributes {
        public Conv2dBackpropFilter {
            Objects.requireNonNull(filterShape, "filterShape");
            Objects.requireNonNull(spec, "spec");
        }

        @Override
        public Kernel kernel() {
            return Kernel.CONV2D_BACKPROP_FILTER;
        }

        @Override
        public NdArray apply(Backend b, NdArray... a) {
            return b.conv2dBackpropFilter(a[0], filterShape, a[1], spec);
        }
    }
}
