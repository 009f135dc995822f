package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.Conv2dBackpropFilter;
import org.tensorflow.op.nn.Conv2dBackpropInput;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Every kernel of the backend SPI as a function that adds TensorFlow ops to an {@link Ops} from {@link Operand}
 * inputs. The same functions build the one-kernel graphs of op-by-op execution and the whole graphs of
 * {@link TfGraphCompiler}. Whatever may change from one call to the next without changing the graph (the row indices
 * of gather and scatter) is an operand; everything else is a constant of the graph.
 */
final class TfKernels {
    private TfKernels() {
    }

    /** NCHW to NHWC and back, and [o, c, kh, kw] filters to TensorFlow's [kh, kw, c, o] and back. */
    private static final int[] TO_NHWC = {0, 2, 3, 1};
    private static final int[] TO_NCHW = {0, 3, 1, 2};
    private static final int[] TO_HWIO = {2, 3, 1, 0};
    private static final int[] TO_OIHW = {3, 2, 0, 1};

    static Class<? extends TNumber> type(DType dtype) {
        return dtype == DType.FLOAT64 ? TFloat64.class : TFloat32.class;
    }

    static org.tensorflow.ndarray.Shape shape(Shape s) {
        if (s.rank() == 0) {
            return org.tensorflow.ndarray.Shape.scalar();
        }
        long[] dims = new long[s.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = s.dim(i);
        }
        return org.tensorflow.ndarray.Shape.of(dims);
    }

    @SuppressWarnings("unchecked")
    private static <T extends TNumber> Operand<T> num(Operand<?> o) {
        return (Operand<T>) o;
    }

    /**
     * Builds one call of a {@link KernelGraph}. {@code args} are the operands of the call's arguments, followed, for
     * {@code GATHER_ROWS} and {@code SCATTER_ADD_ROWS}, by the row indices as an int32 vector; the indices attribute of
     * the call is not read.
     */
    static Operand<? extends TNumber> build(Ops tf, KernelGraph.Call c, List<Operand<?>> args) {
        DType dtype = c.result().dtype();
        KernelAttributes at = c.attributes();
        return switch (c.kernel()) {
            case FROM_DOUBLES -> {
                KernelAttributes.FromDoubles f = (KernelAttributes.FromDoubles) at;
                yield constant(tf, f.values(), f.shape(), f.dtype());
            }
            case FULL -> {
                KernelAttributes.Full f = (KernelAttributes.Full) at;
                yield full(tf, f.shape(), f.value(), f.dtype());
            }
            case CAST -> cast(tf, num(args.get(0)), ((KernelAttributes.Cast) at).dtype());
            case UNARY -> unary(tf, ((KernelAttributes.Unary) at).op(), num(args.get(0)));
            case BINARY -> binary(tf, ((KernelAttributes.Binary) at).op(), num(args.get(0)), num(args.get(1)));
            case SELECT -> select(tf, num(args.get(0)), num(args.get(1)), num(args.get(2)));
            case MATMUL -> {
                KernelAttributes.Matmul m = (KernelAttributes.Matmul) at;
                yield matmul(tf, num(args.get(0)), num(args.get(1)), m.transposeA(), m.transposeB());
            }
            case RESHAPE -> reshape(tf, num(args.get(0)), ((KernelAttributes.Reshape) at).shape());
            case PERMUTE -> permute(tf, num(args.get(0)), ((KernelAttributes.Permute) at).axes());
            case BROADCAST_TO -> broadcastTo(tf, num(args.get(0)), ((KernelAttributes.BroadcastTo) at).shape());
            case CONCAT -> {
                List<Operand<TNumber>> xs = new ArrayList<>();
                for (Operand<?> a : args) {
                    xs.add(num(a));
                }
                yield concat(tf, xs, ((KernelAttributes.Concat) at).axis());
            }
            case SLICE -> {
                KernelAttributes.Slice sl = (KernelAttributes.Slice) at;
                yield slice(tf, num(args.get(0)), sl.begin(), sl.size());
            }
            case PAD -> {
                KernelAttributes.Pad pd = (KernelAttributes.Pad) at;
                yield pad(tf, num(args.get(0)), pd.before(), pd.after());
            }
            case GATHER_ROWS -> gatherRows(tf, num(args.get(0)), num(args.get(1)));
            case SCATTER_ADD_ROWS -> scatterAddRows(tf, num(args.get(0)), num(args.get(1)),
                    ((KernelAttributes.ScatterAddRows) at).rows());
            case REDUCE_SUM -> {
                KernelAttributes.ReduceSum r = (KernelAttributes.ReduceSum) at;
                yield reduceSum(tf, num(args.get(0)), r.axes(), r.keepDims(), c.result().shape());
            }
            case REDUCE_MAX -> {
                KernelAttributes.ReduceMax r = (KernelAttributes.ReduceMax) at;
                yield reduceMax(tf, num(args.get(0)), r.axis(), r.keepDims());
            }
            case CONV2D -> conv2d(tf, num(args.get(0)), num(args.get(1)), ((KernelAttributes.Conv2d) at).spec());
            case CONV2D_BACKPROP_INPUT -> {
                KernelAttributes.Conv2dBackpropInput k = (KernelAttributes.Conv2dBackpropInput) at;
                yield conv2dBackpropInput(tf, k.inputShape(), num(args.get(0)), num(args.get(1)), k.spec());
            }
            case CONV2D_BACKPROP_FILTER -> {
                KernelAttributes.Conv2dBackpropFilter k = (KernelAttributes.Conv2dBackpropFilter) at;
                yield conv2dBackpropFilter(tf, num(args.get(0)), k.filterShape(), num(args.get(1)), k.spec());
            }
        };
    }

    /** A constant of the graph; float32 rounds each value to float. */
    static Operand<? extends TNumber> constant(Ops tf, double[] values, Shape shape, DType dtype) {
        if (dtype == DType.FLOAT64) {
            return tf.constant(shape(shape), DataBuffers.of(values, true, false));
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return tf.constant(shape(shape), DataBuffers.of(f, true, false));
    }

    static Operand<? extends TNumber> full(Ops tf, Shape shape, double value, DType dtype) {
        Operand<? extends TNumber> v = dtype == DType.FLOAT64 ? tf.constant(value) : tf.constant((float) value);
        return tf.fill(tf.constant(shape.dims()), v);
    }

    static Operand<? extends TNumber> cast(Ops tf, Operand<? extends TNumber> x, DType dtype) {
        return tf.dtypes.cast(x, type(dtype));
    }

    static <T extends TNumber> Operand<T> unary(Ops tf, UnaryKernel kernel, Operand<T> x) {
        return switch (kernel) {
            case NEG -> tf.math.neg(x);
            case EXP -> tf.math.exp(x);
            case LOG -> tf.math.log(x);
            case SQRT -> tf.math.sqrt(x);
            case SQUARE -> tf.math.square(x);
            case TANH -> tf.math.tanh(x);
            case SIGMOID -> tf.math.sigmoid(x);
            case RELU -> tf.nn.relu(x);
            case ABS -> tf.math.abs(x);
            case SIGN -> tf.math.sign(x);
        };
    }

    /** Comparisons give 1 or 0 in the inputs' type. */
    static <T extends TNumber> Operand<T> binary(Ops tf, BinaryKernel kernel, Operand<T> a, Operand<T> b) {
        return switch (kernel) {
            case ADD -> tf.math.add(a, b);
            case SUB -> tf.math.sub(a, b);
            case MUL -> tf.math.mul(a, b);
            case DIV -> tf.math.div(a, b);
            case POW -> tf.math.pow(a, b);
            case GREATER -> tf.dtypes.cast(tf.math.greater(a, b), a.type());
            case EQUAL -> tf.dtypes.cast(tf.math.equal(a, b), a.type());
        };
    }

    /** {@code condition != 0 ? a : b}. */
    static <T extends TNumber> Operand<T> select(Ops tf, Operand<T> condition, Operand<T> a, Operand<T> b) {
        return tf.select(tf.math.notEqual(condition, tf.constant(condition.type(), 0)), a, b);
    }

    static <T extends TNumber> Operand<T> matmul(Ops tf, Operand<T> a, Operand<T> b, boolean transposeA,
                                                 boolean transposeB) {
        return tf.linalg.matMul(a, b, MatMul.transposeA(transposeA), MatMul.transposeB(transposeB));
    }

    static <T extends TNumber> Operand<T> reshape(Ops tf, Operand<T> x, Shape shape) {
        return tf.reshape(x, tf.constant(shape.dims()));
    }

    static <T extends TNumber> Operand<T> permute(Ops tf, Operand<T> x, int[] axes) {
        return tf.linalg.transpose(x, tf.constant(axes));
    }

    static <T extends TNumber> Operand<T> broadcastTo(Ops tf, Operand<T> x, Shape shape) {
        return tf.broadcastTo(x, tf.constant(shape.dims()));
    }

    static <T extends TNumber> Operand<T> concat(Ops tf, List<Operand<T>> xs, int axis) {
        return tf.concat(xs, tf.constant(axis));
    }

    static <T extends TNumber> Operand<T> slice(Ops tf, Operand<T> x, int[] begin, int[] size) {
        return tf.slice(x, tf.constant(begin), tf.constant(size));
    }

    /** Zero padding; the paddings are a {@code [rank, 2]} matrix of (before, after) pairs. */
    static <T extends TNumber> Operand<T> pad(Ops tf, Operand<T> x, int[] before, int[] after) {
        int[] pairs = new int[2 * before.length];
        for (int i = 0; i < before.length; i++) {
            pairs[2 * i] = before[i];
            pairs[2 * i + 1] = after[i];
        }
        Operand<TInt32> paddings = tf.constant(org.tensorflow.ndarray.Shape.of(before.length, 2),
                DataBuffers.of(pairs, true, false));
        return tf.pad(x, paddings, tf.constant(x.type(), 0));
    }

    static <T extends TNumber> Operand<T> gatherRows(Ops tf, Operand<T> x, Operand<TInt32> indices) {
        return tf.gather(x, indices, tf.constant(0));
    }

    /**
     * UnsortedSegmentSum adds every update into its row, repeated rows included; on the CPU it visits the updates in
     * order, so the sums are deterministic.
     */
    static <T extends TNumber> Operand<T> scatterAddRows(Ops tf, Operand<T> updates, Operand<TInt32> indices,
                                                         int rows) {
        return tf.math.unsortedSegmentSum(updates, indices, tf.constant(rows));
    }

    /**
     * A sum as {@link SumPlan} rewrites it. TensorFlow's CPU sum over axes that are not adjacent is slow: over
     * {0, 2, 3} of [80, 64, 14, 14] (batch-norm statistics) it took 0.86 ms against 0.08 ms for the same sums as
     * [80, 64, 196] reduced over its last axis and then over its first.
     */
    static <T extends TNumber> Operand<T> reduceSum(Ops tf, Operand<T> x, int[] axes, boolean keepDims,
                                                    Shape result) {
        org.tensorflow.ndarray.Shape in = x.shape();
        SumPlan p = in.isUnknown() || in.hasUnknownDimension() ? null : SumPlan.of(in.asArray(), axes);
        if (p == null) {
            return tf.reduceSum(x, tf.constant(axes), ReduceSum.keepDims(keepDims));
        }
        Operand<T> y = tf.reshape(x, tf.constant(p.groupSizes()));
        if (p.lastAxisFirst()) {
            y = tf.reduceSum(y, tf.constant(new int[] {p.groupSizes().length - 1}));
            y = tf.reduceSum(y, tf.constant(p.remainingAxes()));
        } else {
            y = tf.reduceSum(y, tf.constant(p.reducedAxes()));
        }
        return tf.reshape(y, tf.constant(shape(result).asArray()));
    }

    static <T extends TNumber> Operand<T> reduceMax(Ops tf, Operand<T> x, int axis, boolean keepDims) {
        return tf.max(x, tf.constant(axis), Max.keepDims(keepDims));
    }

    private static <T extends TNumber> Operand<T> transpose(Ops tf, Operand<T> x, int[] perm) {
        return tf.linalg.transpose(x, tf.constant(perm));
    }

    private static List<Long> strides(Conv2dSpec s) {
        return List.of(1L, (long) s.strideH(), (long) s.strideW(), 1L);
    }

    /** "VALID" without padding, else "EXPLICIT" with the NHWC paddings. */
    private static String padding(Conv2dSpec s) {
        return s.padH() == 0 && s.padW() == 0 ? "VALID" : "EXPLICIT";
    }

    private static List<Long> explicitPaddings(Conv2dSpec s) {
        if (s.padH() == 0 && s.padW() == 0) {
            return List.of();
        }
        long h = s.padH();
        long w = s.padW();
        return List.of(0L, 0L, h, h, w, w, 0L, 0L);
    }

    /*
     * TensorFlow's CPU convolutions take NHWC inputs and [kh, kw, c, o] filters only, so the NCHW layout of the SPI is
     * transposed in and out; within a compiled graph, back-to-back transposes are cancelled by TensorFlow's optimizer.
     */

    static <T extends TNumber> Operand<T> conv2d(Ops tf, Operand<T> x, Operand<T> filter, Conv2dSpec spec) {
        Operand<T> y = tf.nn.conv2d(transpose(tf, x, TO_NHWC), transpose(tf, filter, TO_HWIO), strides(spec),
                padding(spec), Conv2d.explicitPaddings(explicitPaddings(spec)));
        return transpose(tf, y, TO_NCHW);
    }

    static <T extends TNumber> Operand<T> conv2dBackpropInput(Ops tf, Shape inputShape, Operand<T> filter,
                                                              Operand<T> dy, Conv2dSpec spec) {
        int[] nchw = inputShape.dims();
        Operand<TInt32> nhwc = tf.constant(new int[] {nchw[0], nchw[2], nchw[3], nchw[1]});
        Operand<T> dx = tf.nn.conv2dBackpropInput(nhwc, transpose(tf, filter, TO_HWIO), transpose(tf, dy, TO_NHWC),
                strides(spec), padding(spec), Conv2dBackpropInput.explicitPaddings(explicitPaddings(spec)));
        return transpose(tf, dx, TO_NCHW);
    }

    static <T extends TNumber> Operand<T> conv2dBackpropFilter(Ops tf, Operand<T> x, Shape filterShape,
                                                               Operand<T> dy, Conv2dSpec spec) {
        int[] oihw = filterShape.dims();
        Operand<TInt32> hwio = tf.constant(new int[] {oihw[2], oihw[3], oihw[1], oihw[0]});
        Operand<T> dw = tf.nn.conv2dBackpropFilter(transpose(tf, x, TO_NHWC), hwio, transpose(tf, dy, TO_NHWC),
                strides(spec), padding(spec), Conv2dBackpropFilter.explicitPaddings(explicitPaddings(spec)));
        return transpose(tf, dw, TO_OIHW);
    }
}
