package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A straight-line program of kernel calls: a recorded computation (for example one inner step and its vector-Jacobian
 * product, or a whole hypergradient) that a backend with a {@link GraphCompiler} turns into one native call. Nodes are
 * numbered in order: first the inputs, fed on every run, then one node per kernel call, each reading earlier nodes.
 * {@link #evaluate} defines the meaning of a graph on any backend, one kernel at a time.
 *
 * @param inputs  the shape and dtype of each input, in feeding order
 * @param calls   the kernel calls; call {@code i} is node {@code inputs.size() + i}
 * @param outputs the nodes returned by a run, in order (an input may be an output)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record KernelGraph(List<Signature> inputs, List<Call> calls, int[] outputs) {

    /** Shape and dtype of a value. */
    public record Signature(Shape shape, DType dtype) {
        public Signature {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(dtype, "dtype");
        }
    }

    /** The kernels of {@link Backend}, one per method that computes an array. */
    public enum Kernel {
        /** attributes: {@code double[] values}; no arguments. */
        FROM_DOUBLES,
        /** attributes: {@code Double value}. */
        FULL,
        CAST,
        /** attributes: {@link UnaryKernel}. */
        UNARY,
        /** attributes: {@link BinaryKernel}. */
        BINARY,
        /** arguments: condition, a, b. */
        SELECT,
        /** attributes: {@code Boolean transposeA, Boolean transposeB}. */
        MATMUL,
        RESHAPE,
        /** attributes: {@code int[] axes}. */
        PERMUTE,
        BROADCAST_TO,
        /** attributes: {@code Integer axis}; any number of arguments. */
        CONCAT,
        /** attributes: {@code int[] begin, int[] size}. */
        SLICE,
        /** attributes: {@code int[] before, int[] after}. */
        PAD,
        /** attributes: {@code int[] indices}. */
        GATHER_ROWS,
        /** attributes: {@code int[] indices, Integer rows}. */
        SCATTER_ADD_ROWS,
        /** attributes: {@code int[] axes, Boolean keepDims}. */
        REDUCE_SUM,
        /** attributes: {@code Integer axis, Boolean keepDims}. */
        REDUCE_MAX,
        /** attributes: {@link Conv2dSpec}; arguments: x, filter. */
        CONV2D,
        /** attributes: {@code Shape inputShape, Conv2dSpec}; arguments: filter, dy. */
        CONV2D_BACKPROP_INPUT,
        /** attributes: {@code Shape filterShape, Conv2dSpec}; arguments: x, dy. */
        CONV2D_BACKPROP_FILTER
    }

    /**
     * One kernel call.
     *
     * @param kernel     which kernel
     * @param args       node numbers of its array arguments
     * @param attributes its other arguments, as documented on {@link Kernel}
     * @param result     shape and dtype of the result
     */
    public record Call(Kernel kernel, int[] args, List<Object> attributes, Signature result) {
        public Call {
            Objects.requireNonNull(kernel, "kernel");
            args = args.clone();
            attributes = List.copyOf(attributes);
        }

        public Object attribute(int i) {
            return attributes.get(i);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Call c && kernel == c.kernel && Arrays.equals(args, c.args)
                    && Arrays.deepEquals(attributes.toArray(), c.attributes.toArray()) && result.equals(c.result);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kernel, Arrays.hashCode(args), Arrays.deepHashCode(attributes.toArray()), result);
        }
    }

    public KernelGraph {
        inputs = List.copyOf(inputs);
        calls = List.copyOf(calls);
        outputs = outputs.clone();
        int nodes = inputs.size() + calls.size();
        for (int i = 0; i < calls.size(); i++) {
            for (int a : calls.get(i).args()) {
                if (a < 0 || a >= inputs.size() + i) {
                    throw new IllegalArgumentException("Call " + i + " (" + calls.get(i).kernel() + ") reads node " + a
                            + ", which is not computed before it");
                }
            }
        }
        for (int o : outputs) {
            if (o < 0 || o >= nodes) {
                throw new IllegalArgumentException("Output node " + o + " does not exist (" + nodes + " nodes)");
            }
        }
    }

    /** The signature of node {@code n}. */
    public Signature signature(int n) {
        return n < inputs.size() ? inputs.get(n) : calls.get(n - inputs.size()).result();
    }

    /**
     * The same graph without the calls that no output depends on (dead code); inputs stay as they are, so a pruned
     * graph is fed exactly like this one and gives the same outputs.
     */
    public KernelGraph pruned() {
        int in = inputs.size();
        boolean[] live = new boolean[in + calls.size()];
        for (int o : outputs) {
            live[o] = true;
        }
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (live[in + i]) {
                for (int a : calls.get(i).args()) {
                    live[a] = true;
                }
            }
        }
        int[] renumber = new int[live.length];
        for (int i = 0; i < in; i++) {
            renumber[i] = i;
        }
        List<Call> kept = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            if (live[in + i]) {
                Call c = calls.get(i);
                renumber[in + i] = in + kept.size();
                kept.add(new Call(c.kernel(), Arrays.stream(c.args()).map(a -> renumber[a]).toArray(), c.attributes(),
                        c.result()));
            }
        }
        if (kept.size() == calls.size()) {
            return this;
        }
        return new KernelGraph(inputs, kept, Arrays.stream(outputs).map(o -> renumber[o]).toArray());
    }

    /**
     * The same computation with pairs of matrix products that share their left operand done as one product: two calls
     * {@code A·B₁} and {@code A·B₂} (same transpositions, 2-D, neither needing the other's result) become
     * {@code A·[B₁ B₂]} followed by two slices. A product with few columns reads all of {@code A} for little
     * arithmetic, so the wider product costs far less than two (reverse mode recomputing a step from its stored state
     * multiplies the data by the parameters and, for the vector-Jacobian product, by the adjoint: one read of the data
     * instead of two). Each call joins at most one pair, so no intermediate grows beyond twice its size. Calls are
     * reordered where a merge needs it; inputs and outputs stay as they are. The results equal this graph's up to
     * floating-point rounding: a backend may sum a wider product in another order, so a compiler that promises
     * bit-identical results must not use this.
     */
    public KernelGraph withMergedProducts() {
        return withMergedProducts(0);
    }

    /**
     * A left operand size from which merging pays on every backend measured: below it a product costs less than the
     * concatenation and two slices a merge adds (on ND4J each is a kernel call of about 25 µs, and merging the 10×10
     * products of a small softmax step made its replay 25% slower); the 5,000 × 784 data of a softmax step is 60
     * times this size.
     */
    public static final long MERGE_MIN_LEFT_ELEMENTS = 1 << 16;

    /**
     * As {@link #withMergedProducts()}, merging only products whose left operand has at least
     * {@code minLeftElements} elements (for example {@link #MERGE_MIN_LEFT_ELEMENTS}).
     */
    public KernelGraph withMergedProducts(long minLeftElements) {
        return withMergedProducts(minLeftElements, 1);
    }

    /**
     * As {@link #withMergedProducts(long)}, merging only products with at least {@code minColumns} result columns
     * each (a library may compute a one-column product as a matrix-vector product, which sums in another order than
     * the same column inside a wider product).
     */
    public KernelGraph withMergedProducts(long minLeftElements, int minColumns) {
        int in = inputs.size();
        int n = calls.size();
        int[] partner = new int[n];
        Arrays.fill(partner, -1);
        for (int i = 0; i < n; i++) {
            if (partner[i] >= 0 || !mergeable(calls.get(i), minColumns)
                    || signature(calls.get(i).args()[0]).shape().size() < minLeftElements) {
                continue;
            }
            // nodes that depend on call i, found in one sweep up to the first call that can join it
            java.util.BitSet after = new java.util.BitSet(in + n);
            after.set(in + i);
            for (int j = i + 1; j < n; j++) {
                Call c = calls.get(j);
                boolean depends = false;
                for (int a : c.args()) {
                    depends |= after.get(a);
                }
                if (depends) {
                    after.set(in + j);
                } else if (partner[j] < 0 && mergeable(c, minColumns) && sameProduct(calls.get(i), c)) {
                    partner[i] = j;
                    partner[j] = i;
                    break;
                }
            }
        }
        // Each merge alone keeps the graph acyclic; two merges together may not (each waiting on the other), so a
        // pair that cannot be scheduled is dropped and the rest tried again.
        while (true) {
            KernelGraph merged = scheduleMerged(partner);
            if (merged != null) {
                return merged;
            }
        }
    }

    private static boolean mergeable(Call c, int minColumns) {
        return c.kernel() == Kernel.MATMUL && c.result().shape().rank() == 2 && c.result().shape().dim(1) >= minColumns;
    }

    /** Same left operand, same transpositions and types, same number of rows; different right operands. */
    private boolean sameProduct(Call a, Call b) {
        return a.args()[0] == b.args()[0] && a.args()[1] != b.args()[1] && a.attributes().equals(b.attributes())
                && a.result().dtype() == b.result().dtype()
                && signature(a.args()[1]).dtype() == signature(b.args()[1]).dtype()
                && a.result().shape().dim(0) == b.result().shape().dim(0);
    }

    /**
     * Emits the calls in their order, each merged pair at the place of its later call (a concatenation, the product
     * and two slices, which stand for the two original nodes), and what reads the earlier call's result after it.
     * Returns null after unpairing one pair when the pairs cannot all be scheduled.
     */
    private KernelGraph scheduleMerged(int[] partner) {
        int in = inputs.size();
        int n = calls.size();
        if (Arrays.stream(partner).allMatch(p -> p < 0)) {
            return this;
        }
        // unit u = the call u, or for a pair the later call; the earlier call of a pair belongs to its partner's unit
        int[] unitOf = new int[in + n];
        for (int i = 0; i < in; i++) {
            unitOf[i] = -1;
        }
        for (int i = 0; i < n; i++) {
            unitOf[in + i] = partner[i] >= 0 ? Math.max(i, partner[i]) : i;
        }
        int[] waiting = new int[n];
        List<List<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            readers.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            int u = unitOf[in + i];
            java.util.Set<Integer> needs = new java.util.HashSet<>();
            for (int a : calls.get(i).args()) {
                int from = unitOf[a];
                if (from >= 0 && from != u) {
                    needs.add(from);
                }
            }
            for (int from : needs) {
                if (!readers.get(from).contains(u)) {
                    readers.get(from).add(u);
                    waiting[u]++;
                }
            }
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int u = 0; u < n; u++) {
            if (unitOf[in + u] == u && waiting[u] == 0) {
                ready.add(u);
            }
        }
        int[] renumber = new int[in + n];
        for (int i = 0; i < in; i++) {
            renumber[i] = i;
        }
        List<Call> out = new ArrayList<>();
        int units = 0;
        while (!ready.isEmpty()) {
            int u = ready.poll();
            units++;
            if (partner[u] < 0) {
                Call c = calls.get(u);
                out.add(new Call(c.kernel(), Arrays.stream(c.args()).map(a -> renumber[a]).toArray(),
                        c.attributes(), c.result()));
                renumber[in + u] = in + out.size() - 1;
            } else {
                int first = partner[u];
                Call a = calls.get(first);
                Call b = calls.get(u);
                boolean transposeB = (Boolean) a.attribute(1);
                Shape sa = signature(a.args()[1]).shape();
                Shape sb = signature(b.args()[1]).shape();
                int axis = transposeB ? 0 : 1;
                Shape joined = transposeB ? Shape.of(sa.dim(0) + sb.dim(0), sa.dim(1))
                        : Shape.of(sa.dim(0), sa.dim(1) + sb.dim(1));
                DType operandType = signature(a.args()[1]).dtype();
                out.add(new Call(Kernel.CONCAT, new int[] {renumber[a.args()[1]], renumber[b.args()[1]]},
                        List.of(axis), new Signature(joined, operandType)));
                int rows = a.result().shape().dim(0);
                int colsA = a.result().shape().dim(1);
                int colsB = b.result().shape().dim(1);
                out.add(new Call(Kernel.MATMUL, new int[] {renumber[a.args()[0]], in + out.size() - 1},
                        a.attributes(), new Signature(Shape.of(rows, colsA + colsB), a.result().dtype())));
                int product = in + out.size() - 1;
                out.add(new Call(Kernel.SLICE, new int[] {product}, List.of(new int[] {0, 0},
                        new int[] {rows, colsA}), a.result()));
                renumber[in + first] = in + out.size() - 1;
                out.add(new Call(Kernel.SLICE, new int[] {product}, List.of(new int[] {0, colsA},
                        new int[] {rows, colsB}), b.result()));
                renumber[in + u] = in + out.size() - 1;
            }
            for (int r : readers.get(u)) {
                if (--waiting[r] == 0) {
                    ready.add(r);
                }
            }
        }
        long expected = java.util.stream.IntStream.range(0, n).filter(u -> unitOf[in + u] == u).count();
        if (units < expected) {
            // a cycle through merged pairs: unpair the latest pair left unscheduled
            int worst = -1;
            for (int u = 0; u < n; u++) {
                if (unitOf[in + u] == u && partner[u] >= 0 && waiting[u] > 0) {
                    worst = u;
                }
            }
            if (worst < 0) {
                throw new IllegalStateException("The calls of the graph cannot be ordered");
            }
            partner[partner[worst]] = -1;
            partner[worst] = -1;
            return null;
        }
        return new KernelGraph(inputs, out, Arrays.stream(outputs).map(o -> renumber[o]).toArray());
    }

    /**
     * Runs the graph one kernel at a time on {@code backend}: the reference meaning of the graph. Intermediate arrays
     * are closed as soon as no later call or output needs them; the caller owns (and closes) the outputs, which may
     * include arrays it passed in when an input is an output.
     */
    public List<NdArray> evaluate(Backend backend, List<NdArray> feeds) {
        if (feeds.size() != inputs.size()) {
            throw new IllegalArgumentException("The graph takes " + inputs.size() + " inputs, got " + feeds.size());
        }
        int n = inputs.size() + calls.size();
        int[] lastUse = new int[n];
        Arrays.fill(lastUse, -1);
        for (int i = 0; i < calls.size(); i++) {
            for (int a : calls.get(i).args()) {
                lastUse[a] = inputs.size() + i;
            }
        }
        boolean[] isOutput = new boolean[n];
        for (int o : outputs) {
            isOutput[o] = true;
        }
        NdArray[] values = new NdArray[n];
        for (int i = 0; i < inputs.size(); i++) {
            values[i] = feeds.get(i);
        }
        try {
            for (int i = 0; i < calls.size(); i++) {
                int node = inputs.size() + i;
                Call c = calls.get(i);
                NdArray[] args = new NdArray[c.args().length];
                for (int k = 0; k < args.length; k++) {
                    args[k] = values[c.args()[k]];
                }
                values[node] = apply(backend, c, args);
                for (int a : c.args()) {
                    // values[a] is null when this call already closed it: an argument given twice (x·x)
                    if (lastUse[a] == node && a >= inputs.size() && !isOutput[a] && values[a] != null) {
                        values[a].close();
                        values[a] = null;
                    }
                }
                if (lastUse[node] < 0 && !isOutput[node]) {
                    values[node].close();
                    values[node] = null;
                }
            }
        } catch (RuntimeException e) {
            for (int i = inputs.size(); i < n; i++) {
                if (values[i] != null) {
                    values[i].close();
                }
            }
            throw e;
        }
        List<NdArray> out = new ArrayList<>();
        for (int o : outputs) {
            // An output listed twice is handed out twice as the same array; the caller must not close it twice.
            out.add(values[o]);
        }
        return out;
    }

    /** One call on an eager backend. */
    public static NdArray apply(Backend b, Call c, NdArray... a) {
        Signature r = c.result();
        return switch (c.kernel()) {
            case FROM_DOUBLES -> b.fromDoubles((double[]) c.attribute(0), r.shape(), r.dtype());
            case FULL -> b.full(r.shape(), (Double) c.attribute(0), r.dtype());
            case CAST -> b.cast(a[0], r.dtype());
            case UNARY -> b.unary((UnaryKernel) c.attribute(0), a[0]);
            case BINARY -> b.binary((BinaryKernel) c.attribute(0), a[0], a[1]);
            case SELECT -> b.select(a[0], a[1], a[2]);
            case MATMUL -> b.matmul(a[0], a[1], (Boolean) c.attribute(0), (Boolean) c.attribute(1));
            case RESHAPE -> b.reshape(a[0], r.shape());
            case PERMUTE -> b.permute(a[0], (int[]) c.attribute(0));
            case BROADCAST_TO -> b.broadcastTo(a[0], r.shape());
            case CONCAT -> b.concat(List.of(a), (Integer) c.attribute(0));
            case SLICE -> b.slice(a[0], (int[]) c.attribute(0), (int[]) c.attribute(1));
            case PAD -> b.pad(a[0], (int[]) c.attribute(0), (int[]) c.attribute(1));
            case GATHER_ROWS -> b.gatherRows(a[0], (int[]) c.attribute(0));
            case SCATTER_ADD_ROWS -> b.scatterAddRows(a[0], (int[]) c.attribute(0), (Integer) c.attribute(1));
            case REDUCE_SUM -> b.reduceSum(a[0], (int[]) c.attribute(0), (Boolean) c.attribute(1));
            case REDUCE_MAX -> b.reduceMax(a[0], (Integer) c.attribute(0), (Boolean) c.attribute(1));
            case CONV2D -> b.conv2d(a[0], a[1], (Conv2dSpec) c.attribute(0));
            case CONV2D_BACKPROP_INPUT -> b.conv2dBackpropInput((Shape) c.attribute(0), a[0], a[1],
                    (Conv2dSpec) c.attribute(1));
            case CONV2D_BACKPROP_FILTER -> b.conv2dBackpropFilter(a[0], (Shape) c.attribute(0), a[1],
                    (Conv2dSpec) c.attribute(1));
        };
    }
}
