package io.github.bilevel.core.reference;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.List;

/**
 * A plain-Java backend computing in double precision: the float64 oracle the conformance suite compares every backend
 * against, and a dependency-free backend for tests and tiny problems. float32 results are computed in double and
 * rounded to float once per kernel. Written for clarity, not speed. Not registered as a service: select it by
 * its id ({@code BilevelRuntime.builder().backend("reference")}, {@code --backend reference}) or create it explicitly.
 */
public final class ReferenceBackend implements Backend {
    /**
     * A provider of this backend under the id {@code reference} (priority 1), for a runtime built on it alone; it is
     * not registered as a service, so discovery never picks it.
     */
    public static BackendProvider provider() {
        return new BackendProvider() {
            @Override
            public String id() {
                return ID;
            }

            @Override
            public int priority() {
                return 1;
            }

            @Override
            public Backend create(BackendConfig config) {
                return new ReferenceBackend();
            }
        };
    }

    public static final String ID = "reference";

    @Override
    public String id() {
        return ID;
    }

    private static ReferenceArray ref(NdArray a) {
        return (ReferenceArray) a;
    }

    private static double[] d(NdArray a) {
        return ref(a).data();
    }

    private static ReferenceArray make(Shape shape, DType dtype, double[] data) {
        return new ReferenceArray(shape, dtype, data);
    }

    /** Row-major strides of a shape. */
    static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** Fills {@code index} with the multi-index of flat position {@code flat}. */
    static void unravel(int flat, int[] dims, int[] index) {
        for (int i = dims.length - 1; i >= 0; i--) {
            index[i] = flat % dims[i];
            flat /= dims[i];
        }
    }

    @Override
    public NdArray fromDoubles(double[] values, Shape shape, DType dtype) {
        return make(shape, dtype, values.clone());
    }

    @Override
    public NdArray fromFloats(float[] values, Shape shape) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return make(shape, DType.FLOAT32, v);
    }

    @Override
    public double[] toDoubles(NdArray x) {
        return d(x).clone();
    }

    @Override
    public NdArray full(Shape shape, double value, DType dtype) {
        double[] v = new double[(int) shape.size()];
        java.util.Arrays.fill(v, value);
        return make(shape, dtype, v);
    }

    @Override
    public NdArray cast(NdArray x, DType dtype) {
        return make(x.shape(), dtype, d(x).clone());
    }

    @Override
    public NdArray unary(UnaryKernel kernel, NdArray x) {
        double[] in = d(x);
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            double v = in[i];
            out[i] = switch (kernel) {
                case NEG -> -v;
                case EXP -> Math.exp(v);
                case LOG -> Math.log(v);
                case SQRT -> Math.sqrt(v);
                case SQUARE -> v * v;
                case TANH -> Math.tanh(v);
                case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
                case RELU -> v > 0 ? v : 0.0;
                case ABS -> Math.abs(v);
                case SIGN -> Math.signum(v);
            };
        }
        return make(x.shape(), x.dtype(), out);
    }

    @Override
    public NdArray binary(BinaryKernel kernel, NdArray a, NdArray b) {
        double[] x = d(a);
        double[] y = d(b);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = switch (kernel) {
                case ADD -> x[i] + y[i];
                case SUB -> x[i] - y[i];
                case MUL -> x[i] * y[i];
                case DIV -> x[i] / y[i];
                case POW -> Math.pow(x[i], y[i]);
                case GREATER -> x[i] > y[i] ? 1.0 : 0.0;
                case EQUAL -> x[i] == y[i] ? 1.0 : 0.0;
            };
        }
        return make(a.shape(), a.dtype(), out);
    }

    @Override
    public NdArray select(NdArray condition, NdArray a, NdArray b) {
        double[] c = d(condition);
        double[] x = d(a);
        double[] y = d(b);
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i] != 0 ? x[i] : y[i];
        }
        return make(a.shape(), a.dtype(), out);
    }

    @Override
    public NdArray matmul(NdArray a, NdArray b, boolean transposeA, boolean transposeB) {
        double[] x = d(a);
        double[] y = d(b);
        int ar = a.shape().dim(0);
        int ac = a.shape().dim(1);
        int br = b.shape().dim(0);
        int bc = b.shape().dim(1);
        int m = transposeA ? ac : ar;
        int k = transposeA ? ar : ac;
        int n = transposeB ? br : bc;
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transposeA ? x[p * ac + i] : x[i * ac + p];
                    double bv = transposeB ? y[j * bc + p] : y[p * bc + j];
                    s += av * bv;
                }
                out[i * n + j] = s;
            }
        }
        return make(Shape.of(m, n), a.dtype(), out);
    }

    @Override
    public NdArray reshape(NdArray x, Shape shape) {
        return make(shape, x.dtype(), d(x).clone());
    }

    @Override
    public NdArray permute(NdArray x, int[] axes) {
        int[] in = x.shape().dims();
        int[] inStrides = strides(in);
        int[] outDims = new int[in.length];
        for (int i = 0; i < axes.length; i++) {
            outDims[i] = in[axes[i]];
        }
        double[] src = d(x);
        double[] out = new double[src.length];
        int[] idx = new int[outDims.length];
        for (int f = 0; f < out.length; f++) {
            unravel(f, outDims, idx);
            int off = 0;
            for (int i = 0; i < idx.length; i++) {
                off += idx[i] * inStrides[axes[i]];
            }
            out[f] = src[off];
        }
        return make(Shape.of(outDims), x.dtype(), out);
    }

    @Override
    public NdArray broadcastTo(NdArray x, Shape shape) {
        int[] in = x.shape().dims();
        int[] inStrides = strides(in);
        int[] outDims = shape.dims();
        double[] src = d(x);
        double[] out = new double[(int) shape.size()];
        int[] idx = new int[outDims.length];
        for (int f = 0; f < out.length; f++) {
            unravel(f, outDims, idx);
            int off = 0;
            for (int i = 0; i < idx.length; i++) {
                off += (in[i] == 1 ? 0 : idx[i]) * inStrides[i];
            }
            out[f] = src[off];
        }
        return make(shape, x.dtype(), out);
    }

    @Override
    public NdArray concat(List<NdArray> xs, int axis) {
        int[] dims = xs.get(0).shape().dims();
        int total = 0;
        for (NdArray a : xs) {
            total += a.shape().dim(axis);
        }
        dims[axis] = total;
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= dims[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        double[] out = new double[outer * total * inner];
        int offset = 0;
        for (NdArray a : xs) {
            int len = a.shape().dim(axis);
            double[] src = d(a);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * len * inner, out, (o * total + offset) * inner, len * inner);
            }
            offset += len;
        }
        return make(Shape.of(dims), xs.get(0).dtype(), out);
    }

    @Override
    public NdArray slice(NdArray x, int[] begin, int[] size) {
        int[] inStrides = strides(x.shape().dims());
        double[] src = d(x);
        double[] out = new double[(int) Shape.of(size).size()];
        int[] idx = new int[size.length];
        for (int f = 0; f < out.length; f++) {
            unravel(f, size, idx);
            int off = 0;
            for (int i = 0; i < idx.length; i++) {
                off += (idx[i] + begin[i]) * inStrides[i];
            }
            out[f] = src[off];
        }
        return make(Shape.of(size), x.dtype(), out);
    }

    @Override
    public NdArray pad(NdArray x, int[] before, int[] after) {
        int[] in = x.shape().dims();
        int[] outDims = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            outDims[i] = in[i] + before[i] + after[i];
        }
        int[] outStrides = strides(outDims);
        double[] src = d(x);
        double[] out = new double[(int) Shape.of(outDims).size()];
        int[] idx = new int[in.length];
        for (int f = 0; f < src.length; f++) {
            unravel(f, in, idx);
            int off = 0;
            for (int i = 0; i < idx.length; i++) {
                off += (idx[i] + before[i]) * outStrides[i];
            }
            out[off] = src[f];
        }
        return make(Shape.of(outDims), x.dtype(), out);
    }

    @Override
    public NdArray gatherRows(NdArray x, int[] indices) {
        int[] dims = x.shape().dims();
        int row = (int) (x.shape().size() / dims[0]);
        double[] src = d(x);
        double[] out = new double[indices.length * row];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(src, indices[i] * row, out, i * row, row);
        }
        dims[0] = indices.length;
        return make(Shape.of(dims), x.dtype(), out);
    }

    @Override
    public NdArray scatterAddRows(NdArray updates, int[] indices, int rows) {
        int[] dims = updates.shape().dims();
        int row = dims[0] == 0 ? 0 : (int) (updates.shape().size() / dims[0]);
        double[] src = d(updates);
        double[] out = new double[rows * row];
        for (int i = 0; i < indices.length; i++) {
            for (int j = 0; j < row; j++) {
                out[indices[i] * row + j] += src[i * row + j];
            }
        }
        dims[0] = rows;
        return make(Shape.of(dims), updates.dtype(), out);
    }

    @Override
    public NdArray reduceSum(NdArray x, int[] axes, boolean keepDims) {
        return reduce(x, axes, keepDims, false);
    }

    @Override
    public NdArray reduceMax(NdArray x, int axis, boolean keepDims) {
        return reduce(x, new int[] {axis}, keepDims, true);
    }

    private NdArray reduce(NdArray x, int[] axes, boolean keepDims, boolean max) {
        int[] in = x.shape().dims();
        int[] kept = in.clone();
        for (int a : axes) {
            kept[a] = 1;
        }
        int[] keptStrides = strides(kept);
        double[] src = d(x);
        double[] out = new double[(int) Shape.of(kept).size()];
        if (max) {
            java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
        }
        int[] idx = new int[in.length];
        for (int f = 0; f < src.length; f++) {
            unravel(f, in, idx);
            int off = 0;
            for (int i = 0; i < idx.length; i++) {
                off += (kept[i] == 1 ? 0 : idx[i]) * keptStrides[i];
            }
            out[off] = max ? Math.max(out[off], src[f]) : out[off] + src[f];
        }
        Shape shape;
        if (keepDims) {
            shape = Shape.of(kept);
        } else {
            int[] dims = new int[in.length - axes.length];
            int j = 0;
            outer:
            for (int i = 0; i < in.length; i++) {
                for (int a : axes) {
                    if (a == i) {
                        continue outer;
                    }
                }
                dims[j++] = in[i];
            }
            shape = Shape.of(dims);
        }
        return make(shape, x.dtype(), out);
    }

    @Override
    public NdArray conv2d(NdArray x, NdArray filter, Conv2dSpec s) {
        int oh = Conv2dSpec.outputSize(x.shape().dim(2), filter.shape().dim(2), s.strideH(), s.padH());
        int ow = Conv2dSpec.outputSize(x.shape().dim(3), filter.shape().dim(3), s.strideW(), s.padW());
        double[] xs = d(x);
        double[] fs = d(filter);
        double[] out = new double[x.shape().dim(0) * filter.shape().dim(0) * oh * ow];
        ConvolutionTaps.forEach(x.shape(), filter.shape(), oh, ow, s, (in, f, o) -> out[o] += xs[in] * fs[f]);
        return make(Shape.of(x.shape().dim(0), filter.shape().dim(0), oh, ow), x.dtype(), out);
    }

    @Override
    public NdArray conv2dBackpropInput(Shape inputShape, NdArray filter, NdArray dy, Conv2dSpec s) {
        double[] fs = d(filter);
        double[] gs = d(dy);
        double[] out = new double[(int) inputShape.size()];
        ConvolutionTaps.forEach(inputShape, filter.shape(), dy.shape().dim(2), dy.shape().dim(3), s,
                (in, f, o) -> out[in] += gs[o] * fs[f]);
        return make(inputShape, dy.dtype(), out);
    }

    @Override
    public NdArray conv2dBackpropFilter(NdArray x, Shape filterShape, NdArray dy, Conv2dSpec s) {
        double[] xs = d(x);
        double[] gs = d(dy);
        double[] out = new double[(int) filterShape.size()];
        ConvolutionTaps.forEach(x.shape(), filterShape, dy.shape().dim(2), dy.shape().dim(3), s,
                (in, f, o) -> out[f] += gs[o] * xs[in]);
        return make(filterShape, x.dtype(), out);
    }

    @Override
    public void close() {
    }
}
