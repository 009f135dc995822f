package io.github.bilevel.backend.nd4j;

import static io.github.bilevel.backend.nd4j.Shapes.longs;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Capability;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.DeviceInfo;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.GraphPolicy;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.List;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Kernels on ND4J. Every result owns its buffer ({@link #owned}) so that closing one array never frees another;
 * closing hands it to the backend's {@link ArrayPool} for a later result of its shape. Temporaries are closed as
 * soon as they are used.
 */
final class Nd4jBackend implements Backend {
    private final DeviceInfo device;
    // ND4J runs one kernel at a time: the core interprets recorded regions, skipping the kernels nothing reads, and
    // runs products that share a large left operand as one (ADR 0010, 0011, 0014).
    private final GraphCompiler replayer = GraphCompiler.interpreting(GraphPolicy.interpreting()
            .mergingProducts(GraphPolicy.MERGE_MIN_LEFT_ELEMENTS, 1));

    // Small results reuse the arrays of closed ones, and the arithmetic and sums run through reused op contexts:
    // on 50 × 10 arrays that takes a kernel call from about 15 µs to 3–4 (docs/BENCHMARKS.md, W5).
    private static final boolean[] NO_BOOLEANS = new boolean[0];
    private final ArrayPool pool = new ArrayPool();
    private final PreparedOps prepared = new PreparedOps();

    Nd4jBackend(BackendConfig config) {
        if (config.threads() > 0) {
            threads(config.threads());
        }
        // Touching Nd4j here, not in a static initializer, keeps provider listing free of native loading.
        Nd4j.getExecutioner();
        this.device = new DeviceInfo("cpu", "ND4J " + Nd4j.getBackend().getClass().getSimpleName()
                + ", threads " + Nd4j.getEnvironment().maxThreads());
    }

    private static int threadsSet;

    /**
     * ND4J's thread counts are process-wide. Set only when they change: OpenBLAS's set-threads call keeps about 10 KB
     * of native memory each time, which added up over many runtimes (docs/EMBEDDING.md).
     */
    private static synchronized void threads(int n) {
        if (n != threadsSet) {
            Nd4j.getEnvironment().setMaxMasterThreads(n);
            Nd4j.getEnvironment().setMaxThreads(n);
            // OpenBLAS keeps its own pool; without this its idle threads still wake on every product.
            Nd4j.factory().blas().setMaxThreads(n);
            threadsSet = n;
        }
    }

    @Override
    public String id() {
        return Nd4jBackendProvider.ID;
    }

    private static DataType type(DType t) {
        return t == DType.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
    }

    private static INDArray in(NdArray a) {
        return ((Nd4jArray) a).get();
    }

    /**
     * Wraps a kernel result. ND4J may return a view of an input or an array sharing its buffer (reshape, permute,
     * slice, a no-op cast); such results are copied so that each wrapped array owns its memory.
     */
    private Nd4jArray owned(INDArray r, DType dtype, INDArray... inputs) {
        INDArray own = r;
        boolean borrowed = r.isView();
        for (int i = 0; !borrowed && i < inputs.length; i++) {
            borrowed = r == inputs[i] || r.data().address() == inputs[i].data().address();
        }
        if (borrowed || r.ordering() != 'c') {
            own = r.dup('c');
            if (!borrowed && r.closeable()) {
                // A fresh result in another order (gemm's are 'f'): free it now rather than when the collector
                // gets to it, which under little heap pressure is never (docs/EMBEDDING.md).
                r.close();
            }
        }
        long[] s = own.shape();
        int[] dims = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            dims[i] = (int) s[i];
        }
        return new Nd4jArray(own, Shape.of(dims), dtype, pool);
    }

    private Nd4jArray wrap(INDArray a, Shape shape, DType dtype) {
        return new Nd4jArray(a, shape, dtype, pool);
    }

    /** A result array of this dtype and shape, its contents to be overwritten. */
    private INDArray result(DType dtype, Shape shape) {
        return pool.take(type(dtype), longs(shape));
    }

    /** A copy of {@code a} (which owns a 'c'-ordered buffer) in an array of the given shape of the same length. */
    private INDArray copy(INDArray a, DType dtype, Shape shape) {
        INDArray out = result(dtype, shape);
        Nd4j.getMemoryManager().memcpy(out.data(), a.data());
        return out;
    }

    @Override
    public NdArray fromDoubles(double[] values, Shape shape, DType dtype) {
        if (dtype == DType.FLOAT32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return fromFloats(f, shape);
        }
        INDArray a = result(dtype, shape);
        a.data().setData(values);
        return wrap(a, shape, dtype);
    }

    @Override
    public NdArray fromFloats(float[] values, Shape shape) {
        INDArray a = result(DType.FLOAT32, shape);
        a.data().setData(values);
        return wrap(a, shape, DType.FLOAT32);
    }

    @Override
    public double[] toDoubles(NdArray x) {
        INDArray a = in(x);
        if (a.dataType() == DataType.DOUBLE) {
            return a.data().asDouble();
        }
        float[] f = a.data().asFloat();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Override
    public NdArray full(Shape shape, double value, DType dtype) {
        INDArray a = result(dtype, shape);
        INDArray template = pool.filled(type(dtype), longs(shape), value);
        if (template != null) {
            Nd4j.getMemoryManager().memcpy(a.data(), template.data());
        } else {
            a.assign(value);
        }
        return wrap(a, shape, dtype);
    }

    @Override
    public NdArray cast(NdArray x, DType dtype) {
        return owned(in(x).castTo(type(dtype)), dtype, in(x));
    }

    @Override
    public NdArray unary(UnaryKernel kernel, NdArray x) {
        INDArray a = in(x);
        if (kernel == UnaryKernel.SQUARE) {
            INDArray r = result(x.dtype(), x.shape());
            prepared.exec("multiply", r, a, a);
            return wrap(r, x.shape(), x.dtype());
        }
        // the same in-place transforms as on a duplicate, on a reused copy
        INDArray r = copy(a, x.dtype(), x.shape());
        switch (kernel) {
            case NEG -> r.negi();
            case EXP -> Transforms.exp(r, false);
            case LOG -> Transforms.log(r, false);
            case SQRT -> Transforms.sqrt(r, false);
            case TANH -> Transforms.tanh(r, false);
            case SIGMOID -> Transforms.sigmoid(r, false);
            case RELU -> Transforms.relu(r, false);
            case ABS -> Transforms.abs(r, false);
            case SIGN -> Transforms.sign(r, false);
            default -> throw new IllegalArgumentException(kernel.name());
        }
        return wrap(r, x.shape(), x.dtype());
    }

    @Override
    public NdArray binary(BinaryKernel kernel, NdArray x, NdArray y) {
        INDArray a = in(x);
        INDArray b = in(y);
        if (kernel == BinaryKernel.GREATER || kernel == BinaryKernel.EQUAL) {
            INDArray mask = kernel == BinaryKernel.GREATER ? a.gt(b) : a.eq(b);
            try {
                return owned(mask.castTo(a.dataType()), x.dtype());
            } finally {
                mask.close();
            }
        }
        if (kernel == BinaryKernel.POW) {
            return owned(Transforms.pow(a, b, true), x.dtype());
        }
        String op = switch (kernel) {
            case ADD -> "add";
            case SUB -> "subtract";
            case MUL -> "multiply";
            case DIV -> "divide";
            default -> throw new IllegalArgumentException(kernel.name());
        };
        INDArray r = result(x.dtype(), x.shape());
        prepared.exec(op, r, a, b);
        return wrap(r, x.shape(), x.dtype());
    }

    @Override
    public NdArray select(NdArray condition, NdArray x, NdArray y) {
        INDArray c = in(condition);
        INDArray mask = c.neq(0.0);
        INDArray out = Nd4j.create(c.dataType(), c.shape());
        try {
            Nd4j.exec(DynamicCustomOp.builder("select").addInputs(mask, in(x), in(y)).addOutputs(out).build());
        } finally {
            mask.close();
        }
        return owned(out, x.dtype());
    }

    @Override
    public NdArray matmul(NdArray a, NdArray b, boolean transposeA, boolean transposeB) {
        Shape shape = Shapes.product(a.shape(), b.shape(), transposeA, transposeB);
        INDArray r = result(a.dtype(), shape);
        prepared.exec("matmul", new long[] {transposeA ? 1 : 0, transposeB ? 1 : 0, 0}, NO_BOOLEANS, r, in(a), in(b));
        return wrap(r, shape, a.dtype());
    }

    @Override
    public NdArray reshape(NdArray x, Shape shape) {
        return wrap(copy(in(x), x.dtype(), shape), shape, x.dtype());
    }

    @Override
    public NdArray permute(NdArray x, int[] axes) {
        return owned(in(x).permute(axes), x.dtype(), in(x));
    }

    @Override
    public NdArray broadcastTo(NdArray x, Shape shape) {
        INDArray a = in(x);
        INDArray out = result(x.dtype(), shape);
        if (a.rank() == 0) {
            out.assign(a.getDouble(0));
            return wrap(out, shape, x.dtype());
        }
        // INDArray.broadcast is two orders of magnitude slower than a broadcasting add to zeros.
        INDArray zeros = pool.filled(a.dataType(), longs(shape), 0.0);
        if (zeros == null) {
            out.assign(0.0);
            zeros = out;
        }
        prepared.exec("add", out, zeros, a);
        return wrap(out, shape, x.dtype());
    }

    @Override
    public NdArray concat(List<NdArray> xs, int axis) {
        INDArray[] arrays = new INDArray[xs.size()];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = in(xs.get(i));
        }
        return owned(Nd4j.concat(axis, arrays), xs.get(0).dtype(), arrays);
    }

    @Override
    public NdArray slice(NdArray x, int[] begin, int[] size) {
        INDArrayIndex[] index = new INDArrayIndex[begin.length];
        for (int i = 0; i < begin.length; i++) {
            index[i] = NDArrayIndex.interval(begin[i], begin[i] + size[i]);
        }
        return owned(in(x).get(index), x.dtype(), in(x));
    }

    @Override
    public NdArray pad(NdArray x, int[] before, int[] after) {
        int[][] widths = new int[before.length][];
        for (int i = 0; i < before.length; i++) {
            widths[i] = new int[] {before[i], after[i]};
        }
        return owned(Nd4j.pad(in(x), widths), x.dtype(), in(x));
    }

    @Override
    public NdArray gatherRows(NdArray x, int[] indices) {
        long[] shape = in(x).shape().clone();
        shape[0] = indices.length;
        INDArray out = Nd4j.create(in(x).dataType(), shape);
        INDArray idx = Nd4j.createFromArray(indices);
        try {
            Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(in(x), idx).addOutputs(out)
                    .addIntegerArguments(0).build());
        } finally {
            idx.close();
        }
        return owned(out, x.dtype());
    }

    @Override
    public NdArray scatterAddRows(NdArray updates, int[] indices, int rows) {
        long[] shape = in(updates).shape().clone();
        shape[0] = rows;
        INDArray out = Nd4j.zeros(in(updates).dataType(), shape);
        if (indices.length == 0) {
            return owned(out, updates.dtype());
        }
        if (hasDuplicates(indices, rows)) {
            // libnd4j's scatter_add races on repeated indices when it runs multi-threaded (lost updates were
            // observed on rank-1 inputs), so repeated rows are accumulated on the host, in index order.
            out.close();
            double[] u = toDoubles(updates);
            int width = (int) (in(updates).length() / indices.length);
            double[] acc = new double[rows * width];
            for (int i = 0; i < indices.length; i++) {
                for (int j = 0; j < width; j++) {
                    acc[indices[i] * width + j] += u[i * width + j];
                }
            }
            int[] dims = new int[shape.length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = (int) shape[i];
            }
            return fromDoubles(acc, Shape.of(dims), updates.dtype());
        }
        INDArray idx = Nd4j.createFromArray(indices);
        try {
            Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(out, idx, in(updates)).addOutputs(out).build());
        } finally {
            idx.close();
        }
        return owned(out, updates.dtype());
    }

    private static boolean hasDuplicates(int[] indices, int rows) {
        boolean[] seen = new boolean[rows];
        for (int i : indices) {
            if (seen[i]) {
                return true;
            }
            seen[i] = true;
        }
        return false;
    }

    @Override
    public NdArray reduceSum(NdArray x, int[] axes, boolean keepDims) {
        Shape shape = Shapes.reduced(x.shape(), axes, keepDims);
        long[] integers = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            integers[i] = axes[i];
        }
        INDArray r = result(x.dtype(), shape);
        prepared.exec("reduce_sum", integers, new boolean[] {keepDims}, r, in(x));
        return wrap(r, shape, x.dtype());
    }

    @Override
    public NdArray reduceMax(NdArray x, int axis, boolean keepDims) {
        return owned(in(x).max(keepDims, axis), x.dtype(), in(x));
    }

    /** Integer arguments of libnd4j's conv2d ops: kernel, stride, padding, dilation, same-mode, NCHW, OIHW weights. */
    private static int[] convArgs(long kh, long kw, Conv2dSpec s) {
        return new int[] {(int) kh, (int) kw, s.strideH(), s.strideW(), s.padH(), s.padW(), 1, 1, 0, 0, 1};
    }

    @Override
    public NdArray conv2d(NdArray x, NdArray filter, Conv2dSpec spec) {
        INDArray a = in(x);
        INDArray w = in(filter);
        long[] ws = w.shape();
        long oh = Conv2dSpec.outputSize((int) a.size(2), (int) ws[2], spec.strideH(), spec.padH());
        long ow = Conv2dSpec.outputSize((int) a.size(3), (int) ws[3], spec.strideW(), spec.padW());
        INDArray out = Nd4j.create(a.dataType(), a.size(0), ws[0], oh, ow);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(a, w).addOutputs(out)
                .addIntegerArguments(convArgs(ws[2], ws[3], spec)).build());
        return owned(out, x.dtype());
    }

    /** Runs libnd4j's conv2d_bp, which computes both gradients; the input is only used for its shape when absent. */
    private INDArray[] conv2dBackprop(INDArray x, INDArray w, INDArray dy, Conv2dSpec spec) {
        INDArray gx = Nd4j.create(dy.dataType(), x.shape());
        INDArray gw = Nd4j.create(dy.dataType(), w.shape());
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, dy).addOutputs(gx, gw)
                .addIntegerArguments(convArgs(w.size(2), w.size(3), spec)).build());
        return new INDArray[] {gx, gw};
    }

    @Override
    public NdArray conv2dBackpropInput(Shape inputShape, NdArray filter, NdArray dy, Conv2dSpec spec) {
        INDArray x = Nd4j.zeros(in(dy).dataType(), longs(inputShape));
        INDArray[] g = conv2dBackprop(x, in(filter), in(dy), spec);
        x.close();
        g[1].close();
        return owned(g[0], dy.dtype());
    }

    @Override
    public NdArray conv2dBackpropFilter(NdArray x, Shape filterShape, NdArray dy, Conv2dSpec spec) {
        INDArray w = Nd4j.zeros(in(dy).dataType(), longs(filterShape));
        INDArray[] g = conv2dBackprop(in(x), w, in(dy), spec);
        w.close();
        g[0].close();
        return owned(g[1], dy.dtype());
    }

    @Override
    public <T extends Capability> Optional<T> capability(Class<T> type) {
        if (type.isInstance(device)) {
            return Optional.of(type.cast(device));
        }
        return type == GraphCompiler.class ? Optional.of(type.cast(replayer)) : Optional.empty();
    }

    @Override
    public void close() {
        prepared.close();
        pool.close();
    }
}
