package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Capability;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.List;
import java.util.Optional;

/**
 * The one mapping from the {@link Backend} kernel methods to kernel calls as data: every method that computes an array
 * from arrays becomes {@link #call} with its {@link KernelAttributes} (which {@link KernelAttributes#apply} maps back).
 * The recording and the replaying backend of a compiled region differ only in what they do with a call; a new kernel
 * is added here once.
 */
abstract class KernelInterceptor implements Backend {
    private static final KernelAttributes.Unary[] UNARY = new KernelAttributes.Unary[UnaryKernel.values().length];
    private static final KernelAttributes.Binary[] BINARY = new KernelAttributes.Binary[BinaryKernel.values().length];

    static {
        for (UnaryKernel k : UnaryKernel.values()) {
            UNARY[k.ordinal()] = new KernelAttributes.Unary(k);
        }
        for (BinaryKernel k : BinaryKernel.values()) {
            BINARY[k.ordinal()] = new KernelAttributes.Binary(k);
        }
    }

    /** The backend the region runs on. */
    final Backend real;

    KernelInterceptor(Backend real) {
        this.real = real;
    }

    /** One kernel call: {@code attributes} applied to {@code args}, in the order of the {@link Backend} method. */
    abstract NdArray call(KernelAttributes attributes, NdArray... args);

    @Override
    public String id() {
        return real.id();
    }

    @Override
    public NdArray full(Shape shape, double value, DType dtype) {
        return call(new KernelAttributes.Full(shape, value, dtype));
    }

    @Override
    public NdArray cast(NdArray x, DType dtype) {
        return call(new KernelAttributes.Cast(dtype), x);
    }

    @Override
    public NdArray unary(UnaryKernel kernel, NdArray x) {
        return call(UNARY[kernel.ordinal()], x);
    }

    @Override
    public NdArray binary(BinaryKernel kernel, NdArray a, NdArray b) {
        return call(BINARY[kernel.ordinal()], a, b);
    }

    @Override
    public NdArray select(NdArray condition, NdArray a, NdArray b) {
        return call(KernelAttributes.Select.INSTANCE, condition, a, b);
    }

    @Override
    public NdArray matmul(NdArray a, NdArray b, boolean transposeA, boolean transposeB) {
        return call(KernelAttributes.Matmul.of(transposeA, transposeB), a, b);
    }

    @Override
    public NdArray reshape(NdArray x, Shape shape) {
        return call(new KernelAttributes.Reshape(shape), x);
    }

    @Override
    public NdArray permute(NdArray x, int[] axes) {
        return call(new KernelAttributes.Permute(axes), x);
    }

    @Override
    public NdArray broadcastTo(NdArray x, Shape shape) {
        return call(new KernelAttributes.BroadcastTo(shape), x);
    }

    @Override
    public NdArray concat(List<NdArray> xs, int axis) {
        return call(new KernelAttributes.Concat(axis), xs.toArray(new NdArray[0]));
    }

    @Override
    public NdArray slice(NdArray x, int[] begin, int[] size) {
        return call(new KernelAttributes.Slice(begin, size), x);
    }

    @Override
    public NdArray pad(NdArray x, int[] before, int[] after) {
        return call(new KernelAttributes.Pad(before, after), x);
    }

    @Override
    public NdArray gatherRows(NdArray x, int[] indices) {
        return call(new KernelAttributes.GatherRows(indices), x);
    }

    @Override
    public NdArray scatterAddRows(NdArray updates, int[] indices, int rows) {
        return call(new KernelAttributes.ScatterAddRows(indices, rows), updates);
    }

    @Override
    public NdArray reduceSum(NdArray x, int[] axes, boolean keepDims) {
        return call(new KernelAttributes.ReduceSum(axes, keepDims), x);
    }

    @Override
    public NdArray reduceMax(NdArray x, int axis, boolean keepDims) {
        return call(new KernelAttributes.ReduceMax(axis, keepDims), x);
    }

    @Override
    public NdArray conv2d(NdArray x, NdArray filter, Conv2dSpec spec) {
        return call(new KernelAttributes.Conv2d(spec), x, filter);
    }

    @Override
    public NdArray conv2dBackpropInput(Shape inputShape, NdArray filter, NdArray dy, Conv2dSpec spec) {
        return call(new KernelAttributes.Conv2dBackpropInput(inputShape, spec), filter, dy);
    }

    @Override
    public NdArray conv2dBackpropFilter(NdArray x, Shape filterShape, NdArray dy, Conv2dSpec spec) {
        return call(new KernelAttributes.Conv2dBackpropFilter(filterShape, spec), x, dy);
    }

    /** No compiled region inside a compiled region. */
    @Override
    public <C extends Capability> Optional<C> capability(Class<C> type) {
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
