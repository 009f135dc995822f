package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Capability;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.DeviceInfo;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TType;

/**
 * Kernels on TensorFlow Java, run op by op: each call runs a one-kernel graph built by {@link TfKernels} and cached
 * per call signature ({@link KernelCache}). Arrays are host tensors owned by {@link TfArray}. Whole recorded
 * computations run in one call through the {@link GraphCompiler} capability.
 *
 * <p>Why not TensorFlow's eager mode: TensorFlow Java can bring an existing tensor into an eager computation only as
 * a constant op, whose value the eager runtime copies into its kernel cache and keeps for the life of the session
 * (about four times the tensor's size per distinct value), and eager results are freed by the garbage collector rather
 * than on close. A cached session runs a one-kernel graph in about the time of an eager op, with the inputs read in
 * place and a result the caller frees.
 */
final class TensorFlowBackend implements Backend {
    /** One-kernel graphs kept; a model uses a few hundred distinct calls at most. */
    static final int DEFAULT_CACHE_CAPACITY = 1024;

    private final ConfigProto sessionConfig;
    private final KernelCache cache;
    private final TfGraphCompiler compiler;
    private final DeviceInfo device;
    private volatile boolean closed;

    TensorFlowBackend(BackendConfig config) {
        this(config, DEFAULT_CACHE_CAPACITY);
    }

    TensorFlowBackend(BackendConfig config, int cacheCapacity) {
        if (cacheCapacity < 1) {
            throw new IllegalArgumentException("cache capacity must be >= 1, got " + cacheCapacity);
        }
        // Loads the native library: provider listing never gets here.
        String version = TensorFlow.version();
        ConfigProto.Builder proto = ConfigProto.newBuilder()
                // Negative: ops run in the calling thread, which saves a thread hand-off per run (about half the
                // cost of a one-kernel run); each kernel still uses the intra-op pool for its own work.
                .setInterOpParallelismThreads(-1);
        if (config.threads() > 0) {
            // TensorFlow creates its CPU thread pool once per process, with the settings of the first session.
            proto.setIntraOpParallelismThreads(config.threads());
        }
        this.sessionConfig = proto.build();
        firstRun(sessionConfig);
        this.cache = new KernelCache(cacheCapacity, this::session);
        this.compiler = new TfGraphCompiler(this, this::session);
        this.device = new DeviceInfo("cpu", "TensorFlow " + version + " (TensorFlow Java " + TensorFlowBackendProvider.VERSION
                + "), intra-op threads " + (config.threads() > 0 ? config.threads() : "default"));
    }

    private static boolean ranOnce;

    /**
     * The process's first session run, on a one-constant graph, with TensorFlow's informational start-up lines kept
     * off standard error (see {@link StartupLog}); later runs of any session log nothing more from the same place.
     */
    private static synchronized void firstRun(ConfigProto config) {
        if (ranOnce) {
            return;
        }
        ranOnce = true;
        StartupLog.quietly(() -> {
            try (Graph g = new Graph()) {
                org.tensorflow.Operand<TFloat32> c = org.tensorflow.op.Ops.create(g).constant(0f);
                try (Session s = new Session(g, config); org.tensorflow.Result r = s.runner().fetch(c).run()) {
                    r.get(0);
                }
            }
        });
    }

    private Session session(Graph g) {
        return new Session(g, sessionConfig);
    }

    @Override
    public String id() {
        return TensorFlowBackendProvider.ID;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The TensorFlow backend is closed");
        }
    }

    KernelCache cache() {
        return cache;
    }

    // ---- arrays -----------------------------------------------------------------------------------------------

    /** The tensor of an array of this backend. */
    TType tensor(NdArray x) {
        if (x instanceof TfArray t) {
            return t.tensor();
        }
        throw new IllegalArgumentException("The TensorFlow backend was given an array it did not create: "
                + (x == null ? "null" : x.getClass().getName()));
    }

    private static int[] dims(org.tensorflow.ndarray.Shape s) {
        long[] l = s.asArray();
        int[] d = new int[l == null ? 0 : l.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.toIntExact(l[i]);
        }
        return d;
    }

    /** Takes ownership of {@code t}, checking that TensorFlow computed the shape the SPI promises. */
    TfArray wrap(TType t, Shape shape, DType dtype) {
        int[] actual = dims(t.shape());
        if (!Arrays.equals(actual, shape.dims()) || t.type() != TfKernels.type(dtype)) {
            t.close();
            throw new IllegalStateException("TensorFlow computed " + t.type().getSimpleName() + Arrays.toString(actual)
                    + " where " + dtype + shape + " was expected");
        }
        return new TfArray(t, shape, dtype);
    }

    /** A new array holding a copy of {@code t}'s values. */
    TfArray copy(TType t, Shape shape, DType dtype) {
        return wrap(Tensor.of(t.type(), t.shape(), t.asRawTensor().data()), shape, dtype);
    }

    private static void checkLength(int length, Shape shape) {
        if (length != shape.size()) {
            throw new IllegalArgumentException(length + " values do not fill shape " + shape + " (" + shape.size()
                    + " elements)");
        }
    }

    @Override
    public NdArray fromDoubles(double[] values, Shape shape, DType dtype) {
        checkOpen();
        checkLength(values.length, shape);
        if (dtype == DType.FLOAT32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return fromFloats(f, shape);
        }
        return new TfArray(TFloat64.tensorOf(TfKernels.shape(shape), DataBuffers.of(values, true, false)), shape,
                DType.FLOAT64);
    }

    @Override
    public NdArray fromFloats(float[] values, Shape shape) {
        checkOpen();
        checkLength(values.length, shape);
        return new TfArray(TFloat32.tensorOf(TfKernels.shape(shape), DataBuffers.of(values, true, false)), shape,
                DType.FLOAT32);
    }

    @Override
    public double[] toDoubles(NdArray x) {
        TType t = tensor(x);
        double[] out = new double[Math.toIntExact(x.shape().size())];
        if (t instanceof TFloat64) {
            t.asRawTensor().data().asDoubles().read(out);
            return out;
        }
        float[] f = new float[out.length];
        t.asRawTensor().data().asFloats().read(f);
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    @Override
    public NdArray full(Shape shape, double value, DType dtype) {
        double[] v = new double[Math.toIntExact(shape.size())];
        Arrays.fill(v, value);
        return fromDoubles(v, shape, dtype);
    }

    // ---- kernels ----------------------------------------------------------------------------------------------

    private NdArray run(KernelAttributes attributes, Shape shape, DType dtype, int[] indices, NdArray... inputs) {
        checkOpen();
        List<KernelGraph.Signature> signatures = new ArrayList<>(inputs.length);
        List<TType> tensors = new ArrayList<>(inputs.length);
        int[] args = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            tensors.add(tensor(inputs[i]));
            signatures.add(new KernelGraph.Signature(inputs[i].shape(), inputs[i].dtype()));
            args[i] = i;
        }
        KernelGraph.Call call = new KernelGraph.Call(attributes, args, new KernelGraph.Signature(shape, dtype));
        return wrap(cache.run(new KernelCache.Key(call, signatures), tensors, indices), shape, dtype);
    }

    private NdArray run(KernelAttributes attributes, Shape shape, NdArray... inputs) {
        return run(attributes, shape, inputs[0].dtype(), null, inputs);
    }

    @Override
    public NdArray cast(NdArray x, DType dtype) {
        return run(new KernelAttributes.Cast(dtype), x.shape(), dtype, null, x);
    }

    @Override
    public NdArray unary(UnaryKernel kernel, NdArray x) {
        return run(new KernelAttributes.Unary(kernel), x.shape(), x);
    }

    @Override
    public NdArray binary(BinaryKernel kernel, NdArray a, NdArray b) {
        return run(new KernelAttributes.Binary(kernel), a.shape(), a, b);
    }

    @Override
    public NdArray select(NdArray condition, NdArray a, NdArray b) {
        return run(KernelAttributes.Select.INSTANCE, a.shape(), condition, a, b);
    }

    @Override
    public NdArray matmul(NdArray a, NdArray b, boolean transposeA, boolean transposeB) {
        int m = transposeA ? a.shape().dim(1) : a.shape().dim(0);
        int n = transposeB ? b.shape().dim(0) : b.shape().dim(1);
        return run(KernelAttributes.Matmul.of(transposeA, transposeB), Shape.of(m, n), a, b);
    }

    @Override
    public NdArray reshape(NdArray x, Shape shape) {
        return run(new KernelAttributes.Reshape(shape), shape, x);
    }

    @Override
    public NdArray permute(NdArray x, int[] axes) {
        int[] dims = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            dims[i] = x.shape().dim(axes[i]);
        }
        return run(new KernelAttributes.Permute(axes), Shape.of(dims), x);
    }

    @Override
    public NdArray broadcastTo(NdArray x, Shape shape) {
        return run(new KernelAttributes.BroadcastTo(shape), shape, x);
    }

    @Override
    public NdArray concat(List<NdArray> xs, int axis) {
        int[] dims = xs.get(0).shape().dims();
        int total = 0;
        for (NdArray x : xs) {
            total += x.shape().dim(axis);
        }
        dims[axis] = total;
        return run(new KernelAttributes.Concat(axis), Shape.of(dims), xs.toArray(new NdArray[0]));
    }

    @Override
    public NdArray slice(NdArray x, int[] begin, int[] size) {
        return run(new KernelAttributes.Slice(begin, size), Shape.of(size), x);
    }

    @Override
    public NdArray pad(NdArray x, int[] before, int[] after) {
        int[] dims = x.shape().dims();
        for (int i = 0; i < dims.length; i++) {
            dims[i] += before[i] + after[i];
        }
        return run(new KernelAttributes.Pad(before, after), Shape.of(dims), x);
    }

    @Override
    public NdArray gatherRows(NdArray x, int[] indices) {
        int[] dims = x.shape().dims();
        dims[0] = indices.length;
        // The indices are fed on every run, so one graph serves every minibatch of the same size.
        return run(new KernelAttributes.GatherRows(KernelCache.FED), Shape.of(dims), x.dtype(), indices, x);
    }

    @Override
    public NdArray scatterAddRows(NdArray updates, int[] indices, int rows) {
        int[] dims = updates.shape().dims();
        dims[0] = rows;
        return run(new KernelAttributes.ScatterAddRows(KernelCache.FED, rows), Shape.of(dims), updates.dtype(),
                indices, updates);
    }

    private static Shape reduced(Shape in, int[] axes, boolean keepDims) {
        int[] dims = in.dims();
        boolean[] reduced = new boolean[dims.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        int[] out = new int[keepDims ? dims.length : dims.length - axes.length];
        int j = 0;
        for (int i = 0; i < dims.length; i++) {
            if (keepDims) {
                out[j++] = reduced[i] ? 1 : dims[i];
            } else if (!reduced[i]) {
                out[j++] = dims[i];
            }
        }
        return Shape.of(out);
    }

    @Override
    public NdArray reduceSum(NdArray x, int[] axes, boolean keepDims) {
        return run(new KernelAttributes.ReduceSum(axes, keepDims), reduced(x.shape(), axes, keepDims), x);
    }

    @Override
    public NdArray reduceMax(NdArray x, int axis, boolean keepDims) {
        return run(new KernelAttributes.ReduceMax(axis, keepDims), reduced(x.shape(), new int[] {axis}, keepDims),
                x);
    }

    @Override
    public NdArray conv2d(NdArray x, NdArray filter, Conv2dSpec spec) {
        Shape xs = x.shape();
        Shape fs = filter.shape();
        int oh = Conv2dSpec.outputSize(xs.dim(2), fs.dim(2), spec.strideH(), spec.padH());
        int ow = Conv2dSpec.outputSize(xs.dim(3), fs.dim(3), spec.strideW(), spec.padW());
        return run(new KernelAttributes.Conv2d(spec), Shape.of(xs.dim(0), fs.dim(0), oh, ow), x, filter);
    }

    @Override
    public NdArray conv2dBackpropInput(Shape inputShape, NdArray filter, NdArray dy, Conv2dSpec spec) {
        return run(new KernelAttributes.Conv2dBackpropInput(inputShape, spec), inputShape, filter, dy);
    }

    @Override
    public NdArray conv2dBackpropFilter(NdArray x, Shape filterShape, NdArray dy, Conv2dSpec spec) {
        return run(new KernelAttributes.Conv2dBackpropFilter(filterShape, spec), filterShape, x, dy);
    }

    // ---- capabilities -----------------------------------------------------------------------------------------

    @Override
    public <T extends Capability> Optional<T> capability(Class<T> type) {
        if (type.isInstance(device)) {
            return Optional.of(type.cast(device));
        }
        if (type.isInstance(compiler)) {
            return Optional.of(type.cast(compiler));
        }
        return Optional.empty();
    }

    /** Closes the cached graphs and every compiled graph still open; arrays stay valid until closed. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            compiler.closeAll();
            cache.close();
        }
    }
}
