package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every kernel on a delegate and records it into a {@link KernelGraph}: arrays created while
 * {@link #recordInputs} is on become graph inputs, other data becomes FROM_DOUBLES and FULL calls, and every array
 * read back with {@link #toDoubles} becomes an output (once per read). Driving the engine with it turns any computation (a value, its
 * gradient, a Hessian-vector product) into the graph of kernel calls the engine made.
 */
final class RecordingBackend implements Backend {
    private final Backend delegate;
    private final List<KernelGraph.Signature> inputs = new ArrayList<>();
    private final List<double[]> inputValues = new ArrayList<>();
    private final List<KernelGraph.Call> calls = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();
    private boolean recordingInputs;

    RecordingBackend(Backend delegate) {
        this.delegate = delegate;
    }

    /** A delegate array and its node in the graph. */
    private record Node(NdArray array, int node) implements NdArray {
        @Override
        public Shape shape() {
            return array.shape();
        }

        @Override
        public DType dtype() {
            return array.dtype();
        }

        @Override
        public void close() {
            array.close();
        }
    }

    /** While on, arrays created from values are inputs of the graph rather than constants. */
    void recordInputs(boolean on) {
        if (on && !calls.isEmpty()) {
            throw new IllegalStateException("inputs come first");
        }
        recordingInputs = on;
    }

    KernelGraph graph() {
        return new KernelGraph(inputs, calls, outputs.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The values of each input, in order. */
    List<double[]> inputValues() {
        return inputValues;
    }

    private NdArray call(KernelAttributes attributes, NdArray result, NdArray... args) {
        int[] nodes = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            nodes[i] = ((Node) args[i]).node();
        }
        calls.add(new KernelGraph.Call(attributes, nodes, new KernelGraph.Signature(result.shape(), result.dtype())));
        return new Node(result, inputs.size() + calls.size() - 1);
    }

    private static NdArray d(NdArray a) {
        return ((Node) a).array();
    }

    private static NdArray[] d(List<NdArray> xs) {
        return xs.stream().map(RecordingBackend::d).toArray(NdArray[]::new);
    }

    @Override
    public String id() {
        return "recording";
    }

    @Override
    public NdArray fromDoubles(double[] values, Shape shape, DType dtype) {
        NdArray a = delegate.fromDoubles(values, shape, dtype);
        if (recordingInputs) {
            inputs.add(new KernelGraph.Signature(shape, dtype));
            inputValues.add(values.clone());
            return new Node(a, inputs.size() - 1);
        }
        return call(new KernelAttributes.FromDoubles(values, shape, dtype), a);
    }

    @Override
    public NdArray fromFloats(float[] values, Shape shape) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return fromDoubles(v, shape, DType.FLOAT32);
    }

    @Override
    public double[] toDoubles(NdArray x) {
        outputs.add(((Node) x).node());
        return delegate.toDoubles(d(x));
    }

    @Override
    public NdArray full(Shape shape, double value, DType dtype) {
        return call(new KernelAttributes.Full(shape, value, dtype), delegate.full(shape, value, dtype));
    }

    @Override
    public NdArray cast(NdArray x, DType dtype) {
        return call(new KernelAttributes.Cast(dtype), delegate.cast(d(x), dtype), x);
    }

    @Override
    public NdArray unary(UnaryKernel kernel, NdArray x) {
        return call(new KernelAttributes.Unary(kernel), delegate.unary(kernel, d(x)), x);
    }

    @Override
    public NdArray binary(BinaryKernel kernel, NdArray a, NdArray b) {
        return call(new KernelAttributes.Binary(kernel), delegate.binary(kernel, d(a), d(b)), a, b);
    }

    @Override
    public NdArray select(NdArray condition, NdArray a, NdArray b) {
        return call(KernelAttributes.Select.INSTANCE, delegate.select(d(condition), d(a), d(b)), condition, a, b);
    }

    @Override
    public NdArray matmul(NdArray a, NdArray b, boolean transposeA, boolean transposeB) {
        return call(KernelAttributes.Matmul.of(transposeA, transposeB), delegate.matmul(d(a), d(b), transposeA, transposeB),
                a, b);
    }

    @Override
    public NdArray reshape(NdArray x, Shape shape) {
        return call(new KernelAttributes.Reshape(shape), delegate.reshape(d(x), shape), x);
    }

    @Override
    public NdArray permute(NdArray x, int[] axes) {
        return call(new KernelAttributes.Permute(axes), delegate.permute(d(x), axes), x);
    }

    @Override
    public NdArray broadcastTo(NdArray x, Shape shape) {
        return call(new KernelAttributes.BroadcastTo(shape), delegate.broadcastTo(d(x), shape), x);
    }

    @Override
    public NdArray concat(List<NdArray> xs, int axis) {
        return call(new KernelAttributes.Concat(axis), delegate.concat(List.of(d(xs)), axis), xs.toArray(new NdArray[0]));
    }

    @Override
    public NdArray slice(NdArray x, int[] begin, int[] size) {
        return call(new KernelAttributes.Slice(begin, size), delegate.slice(d(x), begin, size), x);
    }

    @Override
    public NdArray pad(NdArray x, int[] before, int[] after) {
        return call(new KernelAttributes.Pad(before, after), delegate.pad(d(x), before, after), x);
    }

    @Override
    public NdArray gatherRows(NdArray x, int[] indices) {
        return call(new KernelAttributes.GatherRows(indices), delegate.gatherRows(d(x), indices), x);
    }

    @Override
    public NdArray scatterAddRows(NdArray updates, int[] indices, int rows) {
        return call(new KernelAttributes.ScatterAddRows(indices, rows),
                delegate.scatterAddRows(d(updates), indices, rows), updates);
    }

    @Override
    public NdArray reduceSum(NdArray x, int[] axes, boolean keepDims) {
        return call(new KernelAttributes.ReduceSum(axes, keepDims), delegate.reduceSum(d(x), axes, keepDims), x);
    }

    @Override
    public NdArray reduceMax(NdArray x, int axis, boolean keepDims) {
        return call(new KernelAttributes.ReduceMax(axis, keepDims), delegate.reduceMax(d(x), axis, keepDims), x);
    }

    @Override
    public NdArray conv2d(NdArray x, NdArray filter, Conv2dSpec spec) {
        return call(new KernelAttributes.Conv2d(spec), delegate.conv2d(d(x), d(filter), spec), x, filter);
    }

    @Override
    public NdArray conv2dBackpropInput(Shape inputShape, NdArray filter, NdArray dy, Conv2dSpec spec) {
        return call(new KernelAttributes.Conv2dBackpropInput(inputShape, spec),
                delegate.conv2dBackpropInput(inputShape, d(filter), d(dy), spec), filter, dy);
    }

    @Override
    public NdArray conv2dBackpropFilter(NdArray x, Shape filterShape, NdArray dy, Conv2dSpec spec) {
        return call(new KernelAttributes.Conv2dBackpropFilter(filterShape, spec),
                delegate.conv2dBackpropFilter(d(x), filterShape, d(dy), spec), x, dy);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
