package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.GraphPolicy;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * Compiles a {@link KernelGraph} into one TensorFlow graph: a placeholder per input, the ops of
 * {@link TfKernels#build} per call (values and fills as constants, row indices as constants), and a session that runs
 * it with one native call per run. Its {@link #policy()} asks the core to merge products that share a large left
 * operand before the graph gets here (ADR 0011, ADR 0014).
 */
final class TfGraphCompiler implements GraphCompiler {
    private final TensorFlowBackend backend;
    private final Function<Graph, Session> sessions;
    private final Set<CompiledGraph> open = ConcurrentHashMap.newKeySet();

    TfGraphCompiler(TensorFlowBackend backend, Function<Graph, Session> sessions) {
        this.backend = backend;
        this.sessions = sessions;
    }

    /**
     * Products sharing their left operand run as one wider product (reverse mode's recomputed step and its
     * vector-Jacobian product both multiply the data: one pass over it instead of two). Not one-column products:
     * Eigen computes those as matrix-vector products, whose sums differ in the last bits from the same column inside
     * a wider product; with two or more columns on each side, merged products gave the eager bits in every shape tried
     * (ADR 0011), so a region's first run, which is eager, agrees with its later compiled runs.
     */
    static final GraphPolicy POLICY = GraphPolicy.compiling().mergingProducts(GraphPolicy.MERGE_MIN_LEFT_ELEMENTS, 2);

    @Override
    public GraphPolicy policy() {
        return POLICY;
    }

    @Override
    public Compiled compile(KernelGraph graph) {
        backend.checkOpen();
        Graph g = new Graph();
        try {
            Ops tf = Ops.create(g);
            int inputs = graph.inputs().size();
            Operand<?>[] nodes = new Operand<?>[inputs + graph.calls().size()];
            List<Placeholder<?>> feeds = new ArrayList<>();
            for (int i = 0; i < inputs; i++) {
                KernelGraph.Signature s = graph.inputs().get(i);
                Placeholder<?> p = tf.placeholder(TfKernels.type(s.dtype()),
                        Placeholder.shape(TfKernels.shape(s.shape())));
                feeds.add(p);
                nodes[i] = p;
            }
            for (int i = 0; i < graph.calls().size(); i++) {
                KernelGraph.Call c = graph.calls().get(i);
                List<Operand<?>> args = new ArrayList<>();
                for (int a : c.args()) {
                    args.add(nodes[a]);
                }
                if (c.kernel() == KernelGraph.Kernel.GATHER_ROWS || c.kernel() == KernelGraph.Kernel.SCATTER_ADD_ROWS) {
                    Operand<TInt32> indices = tf.constant(c.attributes() instanceof KernelAttributes.GatherRows gr
                            ? gr.indices() : ((KernelAttributes.ScatterAddRows) c.attributes()).indices());
                    args.add(indices);
                }
                Operand<? extends TNumber> out = TfKernels.build(tf, c, args);
                checkSignature(i, c, out);
                nodes[inputs + i] = out;
            }
            List<Operand<?>> fetches = new ArrayList<>();
            Operand<?>[] inputAsOutput = new Operand<?>[inputs];
            for (int o : graph.outputs()) {
                if (o < inputs) {
                    // TensorFlow does not fetch a fed tensor; an identity hands it back (sharing its buffer).
                    if (inputAsOutput[o] == null) {
                        inputAsOutput[o] = tf.identity(nodes[o]);
                    }
                    fetches.add(inputAsOutput[o]);
                } else {
                    fetches.add(nodes[o]);
                }
            }
            CompiledGraph compiled = new CompiledGraph(graph, g, sessions.apply(g), feeds, fetches);
            open.add(compiled);
            return compiled;
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /** Fails at compile time when TensorFlow infers a shape or type other than the one the call records. */
    private static void checkSignature(int index, KernelGraph.Call c, Operand<?> out) {
        DType dtype = c.result().dtype();
        org.tensorflow.ndarray.Shape inferred = out.shape();
        boolean typeOk = out.type() == TfKernels.type(dtype);
        boolean shapeOk = inferred.isUnknown() || inferred.hasUnknownDimension()
                || inferred.equals(TfKernels.shape(c.result().shape()));
        if (!typeOk || !shapeOk) {
            throw new IllegalArgumentException("Call " + index + " (" + c.kernel() + ") records the result "
                    + dtype + c.result().shape() + ", but its arguments give " + out.type().getSimpleName()
                    + " " + inferred);
        }
    }

    /** Closes every compiled graph still open; called when the backend closes. */
    void closeAll() {
        for (CompiledGraph c : open) {
            c.close();
        }
    }

    private final class CompiledGraph implements Compiled {
        private final KernelGraph source;
        private final Graph graph;
        private final Session session;
        private final List<Placeholder<?>> feeds;
        private final List<Operand<?>> fetches;
        private boolean closed; // guarded by this
        private int running;    // runs under way, guarded by this; the last one frees a graph closed meanwhile

        CompiledGraph(KernelGraph source, Graph graph, Session session, List<Placeholder<?>> feeds,
                      List<Operand<?>> fetches) {
            this.source = source;
            this.graph = graph;
            this.session = session;
            this.feeds = feeds;
            this.fetches = fetches;
        }

        @Override
        public List<NdArray> run(List<NdArray> inputs) {
            if (inputs.size() != feeds.size()) {
                throw new IllegalArgumentException("The graph takes " + feeds.size() + " inputs, got "
                        + inputs.size());
            }
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("Compiled graph used after close");
                }
                running++;
            }
            try {
                return runOpen(inputs);
            } finally {
                boolean free;
                synchronized (this) {
                    free = --running == 0 && closed;
                }
                if (free) {
                    free();
                }
            }
        }

        /** A run while this graph is held open: a close meanwhile frees the session only after the run. */
        private List<NdArray> runOpen(List<NdArray> inputs) {
            Session.Runner runner = session.runner();
            for (int i = 0; i < inputs.size(); i++) {
                KernelGraph.Signature s = source.inputs().get(i);
                NdArray x = inputs.get(i);
                if (!x.shape().equals(s.shape()) || x.dtype() != s.dtype()) {
                    throw new IllegalArgumentException("Input " + i + " is " + x.dtype() + x.shape()
                            + ", the graph takes " + s.dtype() + s.shape());
                }
                runner.feed(feeds.get(i), backend.tensor(x));
            }
            // An output listed twice is fetched once and copied, so that every returned array has its own owner.
            Map<Operand<?>, Integer> first = new IdentityHashMap<>();
            List<Integer> fetchIndex = new ArrayList<>();
            for (Operand<?> f : fetches) {
                Integer k = first.get(f);
                if (k == null) {
                    k = first.size();
                    first.put(f, k);
                    runner.fetch(f);
                }
                fetchIndex.add(k);
            }
            Result result = RunProfile.run(runner);
            List<NdArray> out = new ArrayList<>();
            boolean[] taken = new boolean[first.size()];
            try {
                for (int i = 0; i < fetches.size(); i++) {
                    int k = fetchIndex.get(i);
                    TType t = (TType) result.get(k);
                    KernelGraph.Signature s = source.signature(source.outputs()[i]);
                    if (taken[k]) {
                        out.add(backend.copy(t, s.shape(), s.dtype()));
                    } else {
                        out.add(backend.wrap(t, s.shape(), s.dtype()));
                        taken[k] = true;
                    }
                }
            } catch (RuntimeException e) {
                for (NdArray a : out) {
                    a.close();
                }
                for (int k = 0; k < taken.length; k++) {
                    if (!taken[k]) {
                        result.get(k).close();
                    }
                }
                throw e;
            }
            return out;
        }

        /** Idempotent; a run under way finishes first, and the session and graph are freed when it ends. */
        @Override
        public void close() {
            boolean free;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                free = running == 0;
            }
            open.remove(this);
            if (free) {
                free();
            }
        }

        private void free() {
            session.close();
            graph.close();
        }
    }
}
