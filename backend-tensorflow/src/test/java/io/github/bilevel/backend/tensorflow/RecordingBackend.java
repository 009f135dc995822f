package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.KernelGraph.Kernel;
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

    private NdArray call(Kernel kernel, List<Object> attributes, NdArray result, NdArray... args) {
        int[] nodes = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            nodes[i] = ((Node) args[i]).node();
        }
        calls.add(new KernelGraph.Call(kernel, nodes, attributes,
                new KernelGraph.Signature(result.shape(), result.dtype())));
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
        return call(Kernel.FROM_DOUBLES, List.of(values.clone()), a);
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
        return call(Kernel.FULL, List.of(value), delegate.full(shape, value, dtype));
    }

    @Override
    public NdArray cast(NdArray x, DType dtype) {
        return call(Kernel.CAST, List.of(), delegate.cast(d(x), dtype), x);
    }

    @Override
    public NdArray unary(UnaryKernel kernel, NdArray x) {
        return call(Kernel.UNARY, List.of(kernel), delegate.unary(kernel, d(x)), x);
    }

    @Override
    public NdArray binary(BinaryKernel kernel, NdArray a, NdArray b) {
        return call(Kernel.BINARY, List.of(kernel), delegate.binary(kernel, d(a), d(b)), a, b);
    }

    @Override
    public NdArray select(NdArray condition, NdArray a, NdArray b) {
        return call(Kernel.SELECT, List.of(), delegate.select(d(condition), d(a), d(b)), condition, a, b);
    }

    @Override
    public NdArray matmul(NdArray a, NdArray b, boolean transposeA, boolean transposeB) {
        return call(Kernel.MATMUL, List.of(transposeA, transposeB), delegate.matmul(d(a), d(b), transposeA, transposeB),
                a, b);
    }

    @Override
    public NdArray reshape(NdArray x, Shape shape) {
        return call(Kernel.RESHAPE, List.of(), delegate.reshape(d(x), shape), x);
    }

    @Override
    public NdArray permute(NdArray x, int[] axes) {
        return call(Kernel.PERMUTE, List.of(axes.clone()), delegate.permute(d(x), axes), x);
    }

    @Override
    public NdArray broadcastTo(NdArray x, Shape shape) {
        return call(Kernel.BROADCAST_TO, List.of(), delegate.broadcastTo(d(x), shape), x);
    }

    @Override
    public NdArray concat(List<NdArray> xs, int axis) {
        return call(Kernel.CONCAT, List.of(axis), delegate.concat(List.of(d(xs)), axis), xs.toArray(new NdArray[0]));
    }

    @Override
    public NdArray slice(NdArray x, int[] begin, int[] size) {
        return call(Kernel.SLICE, List.of(begin.clone(), size.clone()), delegate.slice(d(x), begin, size), x);
    }

    @Override
    public NdArray pad(NdArray x, int[] before, int[] after) {
        return call(Kernel.PAD, List.of(before.clone(), after.clone()), delegate.pad(d(x), before, after), x);
    }

    @Override
    public NdArray gatherRows(NdArray x, int[] indices) {
        return call(Kernel.GATHER_ROWS, List.of(indices.clone()), delegate.gatherRows(d(x), indices), x);
    }

    @Override
    public NdArray scatterAddRows(NdArray updates, int[] indices, int rows) {
        return call(Kernel.SCATTER_ADD_ROWS, List.of(indices.clone(), rows),
                delegate.scatterAddRows(d(updates), indices, rows), updates);
    }

    @Override
    public NdArray reduceSum(NdArray x, int[] axes, boolean keepDims) {
        return call(Kernel.REDUCE_SUM, List.of(axes.clone(), keepDims), delegate.reduceSum(d(x), axes, keepDims), x);
    }

    @Override
    public NdArray reduceMax(NdArray x, int axis, boolean keepDims) {
        return call(Kernel.REDUCE_MAX, List.of(axis, keepDims), delegate.reduceMax(d(x), axis, keepDims), x);
    }

    @Override
    public NdArray conv2d(NdArray x, NdArray filter, Conv2dSpec spec) {
        return call(Kernel.CONV2D, List.of(spec), delegate.conv2d(d(x), d(filter), spec), x, filter);
    }

    @Override
    public NdArray conv2dBackpropInput(Shape inputShape, NdArray filter, NdArray dy, Conv2dSpec spec) {
        return call(Kernel.CONV2D_BACKPROP_INPUT, List.of(inputShape, spec),
                delegate.conv2dBackpropInput(inputShape, d(filter), d(dy), spec), filter, dy);
    }

    @Override
    public NdArray conv2dBackpropFilter(NdArray x, Shape filterShape, NdArray dy, Conv2dSpec spec) {
        return call(Kernel.CONV2D_BACKPROP_FILTER, List.of(filterShape, spec),
                delegate.conv2dBackpropFilter(d(x), filterShape, d(dy), spec), x, dy);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
