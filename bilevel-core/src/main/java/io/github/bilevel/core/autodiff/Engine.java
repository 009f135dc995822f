package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.MemoryStats;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.api.tensor.TensorFunction;
import io.github.bilevel.core.autodiff.compile.RegionCache;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The tracing implementation of {@link Ops}: each operation is checked ({@link ArgumentChecks}), runs eagerly on the
 * backend and records an {@link Op} with its inputs; {@link Differentiator} walks the record backwards for the
 * derivative entry points, {@link CompositeOps} builds the operations made of others, and compiled regions run through
 * a {@link RegionCache}. The engine does not own the backend.
 */
public final class Engine extends CompositeOps implements AutoCloseable {
    private final Backend backend;
    private final DType defaultDType;
    private final Tracer tracer = new Tracer(this);
    private final Differentiator differentiator = new Differentiator(this);
    private final RegionCache regions;

    /**
     * @param backend      the kernels; the caller keeps ownership and closes it after this engine
     * @param defaultDType dtype of tensors made from Java arrays and scalars when none is given
     */
    public Engine(Backend backend, DType defaultDType) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.defaultDType = Objects.requireNonNull(defaultDType, "defaultDType");
        this.regions = new RegionCache(backend);
    }

    public Backend backend() {
        return backend;
    }

    /** The kernels this thread runs on: the backend, or a recorder or replayer inside a compiled region. */
    Backend kernels() {
        return regions.kernels();
    }

    @Override
    public <T> T compiled(Object key, Supplier<T> body) {
        return regions.compiled(key, body);
    }

    @Override
    public TensorFunction function(Function<List<Tensor>, List<Tensor>> body) {
        Objects.requireNonNull(body, "body");
        return regions.function(body, new FunctionHost(this)).orElseGet(() -> uncompiledFunction(body));
    }

    @Override
    public void stepBoundary() {
        regions.stepBoundary();
    }

    @Override
    public DType defaultDType() {
        return defaultDType;
    }

    // ---- recording ----------------------------------------------------------------------------------------------

    Tracer tracer() {
        return tracer;
    }

    /** Runs {@code op} on the inputs and records it unless recording is off on this thread or the op has no derivative. */
    TracedTensor apply(Op op, Tensor... inputs) {
        return tracer.apply(op, kernels(), inputs);
    }

    @Override
    public Scope scope() {
        return tracer.scope();
    }

    @Override
    public MemoryStats memory() {
        return tracer.account().snapshot();
    }

    @Override
    public void resetPeak() {
        tracer.account().resetPeak();
    }

    /** Closes every tensor still owned by the root scope, cached ones included. The backend stays open. */
    @Override
    public void close() {
        tracer.clearCache();
        regions.close();
        tracer.closeRoot();
    }

    // ---- creation -----------------------------------------------------------------------------------------------

    @Override
    public Tensor constant(double[] values, Shape shape) {
        return constant(values, shape, defaultDType);
    }

    @Override
    public Tensor constant(double[] values, Shape shape, DType dtype) {
        ArgumentChecks.size(values.length, shape);
        return tracer.leaf(kernels().fromDoubles(values, shape, dtype));
    }

    @Override
    public Tensor constant(float[] values, Shape shape) {
        ArgumentChecks.size(values.length, shape);
        return tracer.leaf(kernels().fromFloats(values, shape));
    }

    @Override
    public Tensor scalar(double value) {
        return full(Shape.scalar(), value, defaultDType);
    }

    @Override
    public Tensor full(Shape shape, double value, DType dtype) {
        return tracer.leaf(kernels().full(shape, value, dtype));
    }

    @Override
    public Tensor cached(Object key, Supplier<Tensor> factory) {
        return tracer.cached(key, factory, regions);
    }

    Tensor onesLike(Tensor like) {
        return full(like.shape(), 1.0, like.dtype());
    }

    private Tensor scalarLike(double value, Tensor like) {
        return full(Shape.scalar(), value, like.dtype());
    }

    @Override
    public Tensor cast(Tensor x, DType dtype) {
        if (x.dtype() == dtype) {
            return x;
        }
        return apply(new ElementwiseOps.Cast(dtype), x);
    }

    // ---- elementwise --------------------------------------------------------------------------------------------

    private Tensor unary(UnaryKernel k, Tensor x) {
        return apply(new ElementwiseOps.Unary(k), x);
    }

    private Tensor binary(BinaryKernel k, Tensor a, Tensor b) {
        ArgumentChecks.sameDType(k.name().toLowerCase(java.util.Locale.ROOT), a, b);
        Shape shape = Shape.broadcast(a.shape(), b.shape());
        return apply(new ElementwiseOps.Binary(k), broadcastTo(a, shape), broadcastTo(b, shape));
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return binary(BinaryKernel.ADD, a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return binary(BinaryKernel.SUB, a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return binary(BinaryKernel.MUL, a, b);
    }

    @Override
    public Tensor div(Tensor a, Tensor b) {
        return binary(BinaryKernel.DIV, a, b);
    }

    @Override
    public Tensor pow(Tensor a, Tensor b) {
        return binary(BinaryKernel.POW, a, b);
    }

    @Override
    public Tensor add(Tensor a, double b) {
        return add(a, scalarLike(b, a));
    }

    @Override
    public Tensor sub(Tensor a, double b) {
        return sub(a, scalarLike(b, a));
    }

    @Override
    public Tensor mul(Tensor a, double b) {
        return mul(a, scalarLike(b, a));
    }

    @Override
    public Tensor div(Tensor a, double b) {
        return div(a, scalarLike(b, a));
    }

    @Override
    public Tensor pow(Tensor a, double b) {
        return pow(a, scalarLike(b, a));
    }

    @Override
    public Tensor neg(Tensor x) {
        return unary(UnaryKernel.NEG, x);
    }

    @Override
    public Tensor square(Tensor x) {
        return unary(UnaryKernel.SQUARE, x);
    }

    @Override
    public Tensor sqrt(Tensor x) {
        return unary(UnaryKernel.SQRT, x);
    }

    @Override
    public Tensor exp(Tensor x) {
        return unary(UnaryKernel.EXP, x);
    }

    @Override
    public Tensor log(Tensor x) {
        return unary(UnaryKernel.LOG, x);
    }

    @Override
    public Tensor tanh(Tensor x) {
        return unary(UnaryKernel.TANH, x);
    }

    @Override
    public Tensor sigmoid(Tensor x) {
        return unary(UnaryKernel.SIGMOID, x);
    }

    @Override
    public Tensor relu(Tensor x) {
        return unary(UnaryKernel.RELU, x);
    }

    @Override
    public Tensor softplus(Tensor x) {
        return apply(new ElementwiseOps.Softplus(), x);
    }

    @Override
    public Tensor abs(Tensor x) {
        return unary(UnaryKernel.ABS, x);
    }

    Tensor sign(Tensor x) {
        return unary(UnaryKernel.SIGN, x);
    }

    @Override
    public Tensor greater(Tensor a, Tensor b) {
        return binary(BinaryKernel.GREATER, a, b);
    }

    @Override
    public Tensor equal(Tensor a, Tensor b) {
        return binary(BinaryKernel.EQUAL, a, b);
    }

    @Override
    public Tensor where(Tensor condition, Tensor a, Tensor b) {
        ArgumentChecks.sameDType("where", a, b);
        Shape shape = Shape.broadcast(Shape.broadcast(condition.shape(), a.shape()), b.shape());
        Tensor c = cast(condition, a.dtype());
        return apply(new ElementwiseOps.Select(), broadcastTo(c, shape), broadcastTo(a, shape), broadcastTo(b, shape));
    }

    // ---- linear algebra and shape -------------------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, b, false, false);
    }

    /** {@code op(a)·op(b)}, transposing where flagged, without materializing the transposes. */
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        ArgumentChecks.matmul(a, b, transposeA, transposeB);
        return apply(new ShapeOps.Matmul(transposeA, transposeB), a, b);
    }

    @Override
    public Tensor transpose(Tensor x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("transpose needs a matrix, got shape " + x.shape() + "; use permute()");
        }
        return permute(x, 1, 0);
    }

    @Override
    public Tensor permute(Tensor x, int... axes) {
        ArgumentChecks.permutation(x, axes);
        return apply(new ShapeOps.Permute(axes.clone()), x);
    }

    @Override
    public Tensor reshape(Tensor x, Shape shape) {
        ArgumentChecks.reshape(x, shape);
        return shape.equals(x.shape()) ? x : apply(new ShapeOps.Reshape(shape), x);
    }

    @Override
    public Tensor broadcastTo(Tensor x, Shape shape) {
        if (x.shape().equals(shape)) {
            return x;
        }
        ArgumentChecks.broadcastTo(x, shape);
        return apply(new ShapeOps.BroadcastTo(shape), x);
    }

    @Override
    public Tensor sumToShape(Tensor x, Shape shape) {
        if (x.shape().equals(shape)) {
            return x;
        }
        ArgumentChecks.sumToShape(x, shape);
        return apply(new ShapeOps.SumToShape(shape), x);
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        int a = ArgumentChecks.concat(xs, axis);
        return apply(new ShapeOps.Concat(a), xs.toArray(new Tensor[0]));
    }

    @Override
    public Tensor slice(Tensor x, int[] begin, int[] size) {
        ArgumentChecks.slice(x, begin, size);
        return apply(new ShapeOps.Slice(begin.clone(), size.clone()), x);
    }

    @Override
    public Tensor pad(Tensor x, int[] before, int[] after) {
        ArgumentChecks.pad(x, before, after);
        return apply(new ShapeOps.Pad(before.clone(), after.clone()), x);
    }

    @Override
    public Tensor gatherRows(Tensor x, int[] indices) {
        ArgumentChecks.gatherRows(x, indices);
        return apply(new ShapeOps.GatherRows(indices.clone()), x);
    }

    @Override
    public Tensor scatterAddRows(Tensor updates, int[] indices, int rows) {
        ArgumentChecks.scatterAddRows(updates, indices, rows);
        return apply(new ShapeOps.ScatterAddRows(indices.clone(), rows), updates);
    }

    // ---- reductions ---------------------------------------------------------------------------------------------

    @Override
    public Tensor sum(Tensor x) {
        if (x.rank() == 0) {
            return x;
        }
        int[] all = new int[x.rank()];
        Arrays.setAll(all, i -> i);
        return sum(x, all, false);
    }

    @Override
    public Tensor sum(Tensor x, int[] axes, boolean keepDims) {
        int[] norm = ArgumentChecks.normalizeAxes(x.shape(), axes);
        if (norm.length == 0) {
            return x;
        }
        return apply(new ReductionOps.Sum(norm, keepDims), x);
    }

    @Override
    public Tensor max(Tensor x, int axis, boolean keepDims) {
        return apply(new ReductionOps.Max(x.shape().normalizeAxis(axis), keepDims), x);
    }

    // ---- neural-network building blocks -------------------------------------------------------------------------

    @Override
    public Tensor conv2d(Tensor x, Tensor filter, int strideH, int strideW, int padH, int padW) {
        return conv2d(x, filter, new Conv2dSpec(strideH, strideW, padH, padW));
    }

    Tensor conv2d(Tensor x, Tensor filter, Conv2dSpec spec) {
        ArgumentChecks.conv2d(x, filter, spec);
        return apply(new ConvOps.Conv2d(spec), x, filter);
    }

    Tensor conv2dBackpropInput(Shape inputShape, Tensor filter, Tensor dy, Conv2dSpec spec) {
        return apply(new ConvOps.BackpropInput(inputShape, spec), filter, dy);
    }

    Tensor conv2dBackpropFilter(Tensor x, Shape filterShape, Tensor dy, Conv2dSpec spec) {
        return apply(new ConvOps.BackpropFilter(filterShape, spec), x, dy);
    }

    // ---- derivatives ----------------------------------------------------------------------------------------------

    @Override
    public List<Tensor> grad(Tensor y, List<Tensor> xs, boolean createGraph) {
        return differentiator.grad(y, xs, createGraph);
    }

    @Override
    public List<Tensor> vjp(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> cotangents, boolean createGraph) {
        return differentiator.vjp(outputs, inputs, cotangents, createGraph);
    }

    @Override
    public List<Tensor> jvp(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> tangents, boolean createGraph) {
        return differentiator.jvp(outputs, inputs, tangents, createGraph);
    }

    @Override
    public List<Tensor> hvp(Tensor y, List<Tensor> inputs, List<Tensor> vectors, boolean createGraph) {
        return differentiator.hvp(y, inputs, vectors, createGraph);
    }

    @Override
    public List<Tensor> mixedHvp(Tensor y, List<Tensor> inner, List<Tensor> vectors, List<Tensor> hyper,
                                 boolean createGraph) {
        return differentiator.mixedHvp(y, inner, vectors, hyper, createGraph);
    }
}
