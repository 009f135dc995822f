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
 * {@link #evaluate} defines the meaning of a graph on any backend, one kernel at a time. Transformations of a graph
 * (dead calls removed, products merged) belong to the core, which applies them as a backend's {@link GraphPolicy}
 * asks before the backend sees the graph (ADR 0014).
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

    /**
     * The kernels of {@link Backend}, one per method that computes an array; the attributes of each are the
     * {@link KernelAttributes} record of the same name.
     */
    public enum Kernel {
        /** No arguments. */
        FROM_DOUBLES,
        /** No arguments. */
        FULL,
        CAST,
        UNARY,
        BINARY,
        /** Arguments: condition, a, b. */
        SELECT,
        MATMUL,
        RESHAPE,
        PERMUTE,
        BROADCAST_TO,
        /** Any number of arguments. */
        CONCAT,
        SLICE,
        PAD,
        GATHER_ROWS,
        SCATTER_ADD_ROWS,
        REDUCE_SUM,
        REDUCE_MAX,
        /** Arguments: x, filter. */
        CONV2D,
        /** Arguments: filter, dy. */
        CONV2D_BACKPROP_INPUT,
        /** Arguments: x, dy. */
        CONV2D_BACKPROP_FILTER
    }

    /**
     * One kernel call. Equal by content (arguments element by element, attributes by {@link KernelAttributes}'
     * content equality).
     *
     * @param attributes the kernel and its other arguments
     * @param args       node numbers of its array arguments
     * @param result     shape and dtype of the result
     */
    public record Call(KernelAttributes attributes, int[] args, Signature result) {
        public Call {
            Objects.requireNonNull(attributes, "attributes");
            Objects.requireNonNull(result, "result");
            args = args.clone();
        }

        /** The kernel, {@code attributes().kernel()}. */
        public Kernel kernel() {
            return attributes.kernel();
        }

        /** The same call reading other nodes. */
        public Call withArgs(int[] newArgs) {
            return new Call(attributes, newArgs, result);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Call c && Arrays.equals(args, c.args) && attributes.equals(c.attributes)
                    && result.equals(c.result);
        }

        @Override
        public int hashCode() {
            return Objects.hash(attributes, Arrays.hashCode(args), result);
        }

        @Override
        public String toString() {
            return "Call[" + attributes + " " + Arrays.toString(args) + " -> " + result.dtype() + result.shape() + "]";
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

    /** One call on an eager backend: {@link KernelAttributes#apply}. */
    public static NdArray apply(Backend b, Call c, NdArray... a) {
        return c.attributes().apply(b, a);
    }
}
