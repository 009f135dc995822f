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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tracing implementation of {@link Ops}: each operation runs eagerly on the backend and records an {@link Op} with
 * its inputs; {@link Differentiator} walks the record backwards. The engine does not own the backend.
 */
public final class Engine implements Ops, AutoCloseable {
    private final Backend backend;
    private final DType defaultDType;
    private final MemoryAccount account = new MemoryAccount();
    private final AtomicLong ids = new AtomicLong();
    private final ScopeImpl root = new ScopeImpl(this, null);
    private final ThreadLocal<ScopeImpl> current = new ThreadLocal<>();
    private final ThreadLocal<int[]> noRecord = ThreadLocal.withInitial(() -> new int[1]);
    private final Differentiator differentiator = new Differentiator(this);
    private final java.util.Map<Object, Tensor> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private final ThreadLocal<Backend> kernels = new ThreadLocal<>();
    /**
     * Idle compiled regions by key, least recently used key first; at most {@link #MAX_REGIONS} keys, the oldest
     * key's idle regions closed. A thread takes a region out of its key's pool for the duration of a run, so that
     * runs of one key on several threads (the tasks of a meta-batch) proceed at the same time, each on a region of
     * its own; a region goes back to its pool after the run, or is closed if its key was evicted meanwhile.
     */
    private final java.util.LinkedHashMap<Object, java.util.ArrayDeque<Compilation.Region>> regions =
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(
                        java.util.Map.Entry<Object, java.util.ArrayDeque<Compilation.Region>> eldest) {
                    if (size() > MAX_REGIONS) {
                        eldest.getValue().forEach(Compilation.Region::close);
                        eldest.getValue().clear();
                        return true;
                    }
                    return false;
                }
            };
    private static final int MAX_REGIONS = 32;
    private boolean closed; // guarded by regions

    /**
     * @param backend      the kernels; the caller keeps ownership and closes it after this engine
     * @param defaultDType dtype of tensors made from Java arrays and scalars when none is given
     */
    public Engine(Backend backend, DType defaultDType) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.defaultDType = Objects.requireNonNull(defaultDType, "defaultDType");
    }

    public Backend backend() {
        return backend;
    }

    /** The kernels this thread runs on: the backend, or a recorder or replayer inside a compiled region. */
    Backend kernels() {
        Backend k = kernels.get();
        return k == null ? backend : k;
    }

    @Override
    public <T> T compiled(Object key, java.util.function.Supplier<T> body) {
        java.util.Optional<io.github.bilevel.api.spi.GraphCompiler> compiler =
                backend.capability(io.github.bilevel.api.spi.GraphCompiler.class);
        if (compiler.isEmpty() || kernels.get() != null) {
            return body.get();
        }
        Compilation.Region region;
        java.util.ArrayDeque<Compilation.Region> pool;
        synchronized (regions) {
            pool = regions.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
            region = pool.isEmpty() ? new Compilation.Region() : pool.pop();
        }
        try {
            return Compilation.run(region, backend, compiler.get(), body, b -> {
                if (b == null) {
                    kernels.remove();
                } else {
                    kernels.set(b);
                }
            });
        } finally {
            synchronized (regions) {
                if (regions.get(key) == pool && !closed) {
                    pool.push(region);
                } else {
                    region.close(); // evicted (or the engine closed) while this run had it
                }
            }
        }
    }

    @Override
    public void stepBoundary() {
        Backend k = kernels.get();
        if (k != null) {
            Compilation.boundary(k);
        }
    }

    @Override
    public DType defaultDType() {
        return defaultDType;
    }

    // ---- recording ----------------------------------------------------------------------------------------------

    private ScopeImpl currentScope() {
        ScopeImpl s = current.get();
        return s == null ? root : s;
    }

    TracedTensor wrap(Buffer buffer, Op op, TracedTensor[] inputs) {
        TracedTensor t = new TracedTensor(this, buffer, op, inputs, ids.incrementAndGet());
        account.tensorOpened();
        currentScope().adopt(t);
        return t;
    }

    private TracedTensor leaf(NdArray array) {
        return wrap(new Buffer(array, account), null, new TracedTensor[0]);
    }

    /** Runs {@code op} on the inputs and records it unless recording is off on this thread or the op has no derivative. */
    TracedTensor apply(Op op, Tensor... inputs) {
        TracedTensor[] ins = new TracedTensor[inputs.length];
        NdArray[] arrays = new NdArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            ins[i] = own(inputs[i]);
            arrays[i] = ins[i].array();
        }
        NdArray result = op.forward(kernels(), arrays);
        boolean record = noRecord.get()[0] == 0 && op.differentiable();
        return wrap(new Buffer(result, account), record ? op : null, record ? ins : new TracedTensor[0]);
    }

    private TracedTensor own(Tensor t) {
        Objects.requireNonNull(t, "tensor");
        if (!(t instanceof TracedTensor tt) || tt.ops() != this) {
            throw new IllegalArgumentException("Tensor " + t + " belongs to another Ops instance; "
                    + "tensors from different engines cannot be combined");
        }
        return tt;
    }

    /** Runs {@code body} with recording switched off on this thread: results carry no history. */
    <T> T withoutRecording(java.util.function.Supplier<T> body) {
        int[] depth = noRecord.get();
        depth[0]++;
        try {
            return body.get();
        } finally {
            depth[0]--;
        }
    }

    void tensorClosed(TracedTensor t) {
        account.tensorClosed();
    }

    void scopeClosed(ScopeImpl scope, Thread thread) {
        if (thread != Thread.currentThread()) {
            throw new IllegalStateException("A scope must be closed on the thread that opened it");
        }
        if (current.get() != scope) {
            throw new IllegalStateException("Scopes must be closed in reverse order of opening");
        }
        current.set(scope.parent == root ? null : scope.parent);
    }

    @Override
    public Scope scope() {
        ScopeImpl s = new ScopeImpl(this, currentScope());
        current.set(s);
        return s;
    }

    @Override
    public MemoryStats memory() {
        return account.snapshot();
    }

    @Override
    public void resetPeak() {
        account.resetPeak();
    }

    /** Closes every tensor still owned by the root scope, cached ones included. The backend stays open. */
    @Override
    public void close() {
        cache.clear();
        synchronized (regions) {
            closed = true;
            regions.values().forEach(pool -> pool.forEach(Compilation.Region::close));
            regions.clear();
        }
        root.close();
    }

    // ---- creation -----------------------------------------------------------------------------------------------

    @Override
    public Tensor constant(double[] values, Shape shape) {
        return constant(values, shape, defaultDType);
    }

    @Override
    public Tensor constant(double[] values, Shape shape, DType dtype) {
        checkSize(values.length, shape);
        return leaf(kernels().fromDoubles(values, shape, dtype));
    }

    @Override
    public Tensor constant(float[] values, Shape shape) {
        checkSize(values.length, shape);
        return leaf(kernels().fromFloats(values, shape));
    }

    private static void checkSize(int n, Shape shape) {
        if (n != shape.size()) {
            throw new IllegalArgumentException(n + " values do not fill shape " + shape + " (" + shape.size() + " elements)");
        }
    }

    @Override
    public Tensor scalar(double value) {
        return full(Shape.scalar(), value, defaultDType);
    }

    @Override
    public Tensor full(Shape shape, double value, DType dtype) {
        return leaf(kernels().full(shape, value, dtype));
    }

    @Override
    public Tensor cached(Object key, java.util.function.Supplier<Tensor> factory) {
        Tensor t = cache.get(key);
        if (t != null && t.isOpen()) {
            return t;
        }
        synchronized (cache) {
            t = cache.get(key);
            if (t != null && t.isOpen()) {
                return t;
            }
            ScopeImpl saved = current.get();
            Backend savedKernels = kernels.get();
            current.set(null);
            kernels.remove(); // a cached tensor is made for good, outside any compiled region
            try {
                t = own(withoutRecording(factory));
            } finally {
                current.set(saved);
                if (savedKernels != null) {
                    kernels.set(savedKernels);
                }
            }
            if (((TracedTensor) t).owner != root) {
                throw new IllegalStateException("The factory for cached key " + key + " returned a tensor it did not "
                        + "create; create the tensor inside the factory");
            }
            cache.put(key, t);
            return t;
        }
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
        checkSameDType(k.name().toLowerCase(java.util.Locale.ROOT), a, b);
        Shape shape = Shape.broadcast(a.shape(), b.shape());
        return apply(new ElementwiseOps.Binary(k), broadcastTo(a, shape), broadcastTo(b, shape));
    }

    private static void checkSameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ (" + a.dtype() + " and " + b.dtype()
                    + "); convert one with cast()");
        }
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
    public Tensor clip(Tensor x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clip needs lo <= hi, got [" + lo + ", " + hi + "]");
        }
        Tensor loT = scalarLike(lo, x);
        Tensor hiT = scalarLike(hi, x);
        return where(greater(loT, x), loT, where(greater(x, hiT), hiT, x));
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
        checkSameDType("where", a, b);
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
        checkSameDType("matmul", a, b);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul needs two matrices, got shapes " + a.shape() + " and " + b.shape());
        }
        int ka = transposeA ? a.shape().dim(0) : a.shape().dim(1);
        int kb = transposeB ? b.shape().dim(1) : b.shape().dim(0);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + a.shape() + (transposeA ? "ᵀ" : "")
                    + " · " + b.shape() + (transposeB ? "ᵀ" : ""));
        }
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
        int r = x.rank();
        boolean[] seen = new boolean[r];
        if (axes.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " is not a permutation of the "
                    + r + " axes of " + x.shape());
        }
        for (int a : axes) {
            if (a < 0 || a >= r || seen[a]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " is not a permutation of the "
                        + r + " axes of " + x.shape());
            }
            seen[a] = true;
        }
        return apply(new ShapeOps.Permute(axes.clone()), x);
    }

    @Override
    public Tensor reshape(Tensor x, Shape shape) {
        if (shape.size() != x.size()) {
            throw new IllegalArgumentException("Cannot reshape " + x.shape() + " (" + x.size() + " elements) to "
                    + shape + " (" + shape.size() + " elements)");
        }
        if (shape.equals(x.shape())) {
            return x;
        }
        return apply(new ShapeOps.Reshape(shape), x);
    }

    @Override
    public Tensor broadcastTo(Tensor x, Shape shape) {
        if (x.shape().equals(shape)) {
            return x;
        }
        if (!Shape.broadcast(x.shape(), shape).equals(shape)) {
            throw new IllegalArgumentException("Cannot broadcast " + x.shape() + " to " + shape);
        }
        return apply(new ShapeOps.BroadcastTo(shape), x);
    }

    @Override
    public Tensor sumToShape(Tensor x, Shape shape) {
        if (x.shape().equals(shape)) {
            return x;
        }
        if (!Shape.broadcast(shape, x.shape()).equals(x.shape())) {
            throw new IllegalArgumentException("Cannot sum " + x.shape() + " to " + shape
                    + ": the target must broadcast to the input");
        }
        return apply(new ShapeOps.SumToShape(shape), x);
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        Shape first = xs.get(0).shape();
        int a = first.normalizeAxis(axis);
        for (Tensor t : xs) {
            checkSameDType("concat", xs.get(0), t);
            boolean ok = t.rank() == first.rank();
            for (int i = 0; ok && i < first.rank(); i++) {
                ok = i == a || t.shape().dim(i) == first.dim(i);
            }
            if (!ok) {
                throw new IllegalArgumentException("concat along axis " + axis + ": shapes " + first + " and "
                        + t.shape() + " differ on another axis");
            }
        }
        return apply(new ShapeOps.Concat(a), xs.toArray(new Tensor[0]));
    }

    @Override
    public Tensor slice(Tensor x, int[] begin, int[] size) {
        int[] dims = x.shape().dims();
        boolean ok = begin.length == dims.length && size.length == dims.length;
        for (int i = 0; ok && i < dims.length; i++) {
            ok = begin[i] >= 0 && size[i] >= 0 && begin[i] + size[i] <= dims[i];
        }
        if (!ok) {
            throw new IllegalArgumentException("slice begin " + Arrays.toString(begin) + " size " + Arrays.toString(size)
                    + " does not fit shape " + x.shape());
        }
        return apply(new ShapeOps.Slice(begin.clone(), size.clone()), x);
    }

    @Override
    public Tensor pad(Tensor x, int[] before, int[] after) {
        boolean ok = before.length == x.rank() && after.length == x.rank();
        for (int i = 0; ok && i < before.length; i++) {
            ok = before[i] >= 0 && after[i] >= 0;
        }
        if (!ok) {
            throw new IllegalArgumentException("pad needs one non-negative before/after per axis of " + x.shape()
                    + ", got " + Arrays.toString(before) + " / " + Arrays.toString(after));
        }
        return apply(new ShapeOps.Pad(before.clone(), after.clone()), x);
    }

    @Override
    public Tensor gatherRows(Tensor x, int[] indices) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException("gatherRows needs rank >= 1, got a scalar");
        }
        checkRows(indices, x.shape().dim(0), "gatherRows");
        return apply(new ShapeOps.GatherRows(indices.clone()), x);
    }

    @Override
    public Tensor scatterAddRows(Tensor updates, int[] indices, int rows) {
        if (updates.rank() < 1 || updates.shape().dim(0) != indices.length) {
            throw new IllegalArgumentException("scatterAddRows: " + indices.length + " indices for updates of shape "
                    + updates.shape());
        }
        checkRows(indices, rows, "scatterAddRows");
        return apply(new ShapeOps.ScatterAddRows(indices.clone(), rows), updates);
    }

    private static void checkRows(int[] indices, int rows, String op) {
        for (int i : indices) {
            if (i < 0 || i >= rows) {
                throw new IllegalArgumentException(op + ": row index " + i + " is out of range [0, " + rows + ")");
            }
        }
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
        int[] norm = normalizeAxes(x.shape(), axes);
        if (norm.length == 0) {
            return x;
        }
        return apply(new ReductionOps.Sum(norm, keepDims), x);
    }

    private static int[] normalizeAxes(Shape shape, int[] axes) {
        int[] norm = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            norm[i] = shape.normalizeAxis(axes[i]);
        }
        Arrays.sort(norm);
        for (int i = 1; i < norm.length; i++) {
            if (norm[i] == norm[i - 1]) {
                throw new IllegalArgumentException("Axis " + norm[i] + " repeated in " + Arrays.toString(axes));
            }
        }
        return norm;
    }

    @Override
    public Tensor mean(Tensor x) {
        return mul(sum(x), 1.0 / x.size());
    }

    @Override
    public Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        int[] norm = normalizeAxes(x.shape(), axes);
        long n = 1;
        for (int a : norm) {
            n *= x.shape().dim(a);
        }
        return mul(sum(x, norm, keepDims), 1.0 / n);
    }

    @Override
    public Tensor max(Tensor x, int axis, boolean keepDims) {
        return apply(new ReductionOps.Max(x.shape().normalizeAxis(axis), keepDims), x);
    }

    // ---- neural-network building blocks -------------------------------------------------------------------------

    @Override
    public Tensor logSoftmax(Tensor x, int axis) {
        // The shift by the (detached) maximum keeps exp() finite; the result and its derivative do not depend on it.
        Tensor shift = max(x.detach(), axis, true);
        Tensor shifted = sub(x, shift);
        Tensor logSumExp = log(sum(exp(shifted), new int[] {axis}, true));
        return sub(shifted, logSumExp);
    }

    @Override
    public Tensor softmax(Tensor x, int axis) {
        return exp(logSoftmax(x, axis));
    }

    @Override
    public Tensor softmaxCrossEntropy(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || logits.shape().dim(0) != labels.length) {
            throw new IllegalArgumentException("softmaxCrossEntropy needs logits [n, classes] and n labels, got "
                    + logits.shape() + " and " + labels.length + " labels");
        }
        int classes = logits.shape().dim(1);
        double[] oneHot = new double[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("Label " + labels[i] + " at position " + i + " is out of range [0, "
                        + classes + ")");
            }
            oneHot[i * classes + labels[i]] = 1.0;
        }
        Tensor targets = constant(oneHot, logits.shape(), logits.dtype());
        return neg(sum(mul(targets, logSoftmax(logits, 1)), new int[] {1}, false));
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor filter, int strideH, int strideW, int padH, int padW) {
        return conv2d(x, filter, new Conv2dSpec(strideH, strideW, padH, padW));
    }

    Tensor conv2d(Tensor x, Tensor filter, Conv2dSpec spec) {
        checkSameDType("conv2d", x, filter);
        if (x.rank() != 4 || filter.rank() != 4 || x.shape().dim(1) != filter.shape().dim(1)) {
            throw new IllegalArgumentException("conv2d needs x [n, c, h, w] and filter [out, c, kh, kw], got "
                    + x.shape() + " and " + filter.shape());
        }
        int oh = Conv2dSpec.outputSize(x.shape().dim(2), filter.shape().dim(2), spec.strideH(), spec.padH());
        int ow = Conv2dSpec.outputSize(x.shape().dim(3), filter.shape().dim(3), spec.strideW(), spec.padW());
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv2d: filter " + filter.shape() + " does not fit input " + x.shape()
                    + " with padding (" + spec.padH() + ", " + spec.padW() + ")");
        }
        return apply(new ConvOps.Conv2d(spec), x, filter);
    }

    Tensor conv2dBackpropInput(Shape inputShape, Tensor filter, Tensor dy, Conv2dSpec spec) {
        return apply(new ConvOps.BackpropInput(inputShape, spec), filter, dy);
    }

    Tensor conv2dBackpropFilter(Tensor x, Shape filterShape, Tensor dy, Conv2dSpec spec) {
        return apply(new ConvOps.BackpropFilter(filterShape, spec), x, dy);
    }

    private Tensor poolWindows(Tensor x, int k, String op) {
        if (x.rank() != 4 || k < 1 || x.shape().dim(2) % k != 0 || x.shape().dim(3) % k != 0) {
            throw new IllegalArgumentException(op + " needs an NCHW tensor whose height and width are multiples of "
                    + "the window " + k + ", got " + x.shape());
        }
        Shape s = x.shape();
        return reshape(x, Shape.of(s.dim(0), s.dim(1), s.dim(2) / k, k, s.dim(3) / k, k));
    }

    @Override
    public Tensor maxPool2d(Tensor x, int k) {
        return max(max(poolWindows(x, k, "maxPool2d"), 5, false), 3, false);
    }

    @Override
    public Tensor avgPool2d(Tensor x, int k) {
        return mul(sum(poolWindows(x, k, "avgPool2d"), new int[] {3, 5}, false), 1.0 / (k * k));
    }

    @Override
    public Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, int[] axes, double eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batchNorm needs eps > 0, got " + eps);
        }
        Tensor mean = mean(x, axes, true);
        Tensor centered = sub(x, mean);
        Tensor variance = mean(square(centered), axes, true);
        Tensor normalized = div(centered, sqrt(add(variance, eps)));
        return add(mul(gamma, normalized), beta);
    }

    // ---- derivatives --------------------------------------------------------------------------------------------

    @Override
    public List<Tensor> grad(Tensor y, List<Tensor> xs, boolean createGraph) {
        if (y.size() != 1) {
            throw new IllegalArgumentException("grad needs a scalar output, got shape " + y.shape()
                    + "; use vjp() for non-scalar outputs");
        }
        return vjp(List.of(y), xs, List.of(onesLike(y)), createGraph);
    }

    @Override
    public List<Tensor> vjp(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> cotangents, boolean createGraph) {
        if (outputs.size() != cotangents.size()) {
            throw new IllegalArgumentException("vjp: " + outputs.size() + " outputs but " + cotangents.size() + " cotangents");
        }
        for (int i = 0; i < outputs.size(); i++) {
            if (!outputs.get(i).shape().equals(cotangents.get(i).shape())) {
                throw new IllegalArgumentException("vjp: cotangent " + i + " has shape " + cotangents.get(i).shape()
                        + " but output " + i + " has shape " + outputs.get(i).shape());
            }
        }
        outputs.forEach(this::own);
        inputs.forEach(this::own);
        cotangents.forEach(this::own);
        if (createGraph) {
            return differentiator.vjp(outputs, inputs, cotangents);
        }
        return withoutRecording(() -> differentiator.vjp(outputs, inputs, cotangents));
    }

    @Override
    public List<Tensor> jvp(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> tangents, boolean createGraph) {
        if (inputs.size() != tangents.size()) {
            throw new IllegalArgumentException("jvp: " + inputs.size() + " inputs but " + tangents.size() + " tangents");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).shape().equals(tangents.get(i).shape())) {
                throw new IllegalArgumentException("jvp: tangent " + i + " has shape " + tangents.get(i).shape()
                        + " but input " + i + " has shape " + inputs.get(i).shape());
            }
        }
        // Forward mode by double reverse: u ↦ Jᵀu is linear, so its vjp with the tangents is J·tangents.
        List<Tensor> dummies = new ArrayList<>();
        for (Tensor o : outputs) {
            dummies.add(zerosLike(o));
        }
        List<Tensor> pullback = vjp(outputs, inputs, dummies, true);
        return vjp(pullback, dummies, tangents, createGraph);
    }

    @Override
    public List<Tensor> hvp(Tensor y, List<Tensor> inputs, List<Tensor> vectors, boolean createGraph) {
        return vjp(List.of(directional(y, inputs, vectors)), inputs, List.of(full(Shape.scalar(), 1.0, y.dtype())), createGraph);
    }

    @Override
    public List<Tensor> mixedHvp(Tensor y, List<Tensor> inner, List<Tensor> vectors, List<Tensor> hyper,
                                 boolean createGraph) {
        return vjp(List.of(directional(y, inner, vectors)), hyper, List.of(full(Shape.scalar(), 1.0, y.dtype())), createGraph);
    }

    /** {@code Σ_i <∇_{inputs_i} y, vectors_i>} as a differentiable scalar. */
    private Tensor directional(Tensor y, List<Tensor> inputs, List<Tensor> vectors) {
        if (inputs.size() != vectors.size()) {
            throw new IllegalArgumentException(inputs.size() + " inputs but " + vectors.size() + " vectors");
        }
        List<Tensor> g = grad(y, inputs, true);
        Tensor s = null;
        for (int i = 0; i < g.size(); i++) {
            if (!g.get(i).shape().equals(vectors.get(i).shape())) {
                throw new IllegalArgumentException("vector " + i + " has shape " + vectors.get(i).shape()
                        + " but input " + i + " has shape " + g.get(i).shape());
            }
            Tensor term = sum(mul(g.get(i), vectors.get(i)));
            s = s == null ? term : add(s, term);
        }
        return s == null ? full(Shape.scalar(), 0.0, y.dtype()) : s;
    }
}
