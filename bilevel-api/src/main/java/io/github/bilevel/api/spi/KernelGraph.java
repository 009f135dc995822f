package io.github.bilevel.api.spi;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
                    if (lastUse[a] == node && a >= inputs.size() && !isOutput[a]) {
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
