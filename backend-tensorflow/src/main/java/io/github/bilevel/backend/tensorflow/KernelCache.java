package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.KernelGraph;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Op-by-op execution: each distinct kernel call (kernel, attributes and input signatures) is built once into a small
 * graph with a session, kept in a bounded least-recently-used cache, and run with the inputs fed and the result
 * fetched. Fed tensors are read in place and fetched results are new tensors the caller owns, so native memory is
 * released exactly when arrays are closed. Safe for concurrent use; an entry evicted while another thread runs it is
 * closed when that run ends.
 */
final class KernelCache implements AutoCloseable {

    /**
     * What a one-kernel graph depends on: the call (its arguments numbered 0..n-1 and, for gather and scatter, the
     * indices replaced by {@link #FED}, as they are fed on every run) and the signature of each input.
     */
    record Key(KernelGraph.Call call, List<KernelGraph.Signature> inputs) {
    }

    /** Stands in for row indices in a key's attributes: they are fed rather than built into the graph. */
    static final int[] FED = new int[0];

    private static final class Entry {
        final Graph graph;
        final Session session;
        final List<Placeholder<?>> feeds;
        final Placeholder<TInt32> indices;
        final Operand<?> result;
        int users;
        boolean evicted;

        Entry(Graph graph, Session session, List<Placeholder<?>> feeds, Placeholder<TInt32> indices,
              Operand<?> result) {
            this.graph = graph;
            this.session = session;
            this.feeds = feeds;
            this.indices = indices;
            this.result = result;
        }

        void close() {
            session.close();
            graph.close();
        }
    }

    private final int capacity;
    private final Function<Graph, Session> sessions;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private boolean closed;
    private long builds;

    /**
     * @param capacity one-kernel graphs kept at most
     * @param sessions opens a session on a graph (with the backend's thread settings)
     */
    KernelCache(int capacity, Function<Graph, Session> sessions) {
        this.capacity = capacity;
        this.sessions = sessions;
    }

    private static boolean takesIndices(KernelGraph.Kernel k) {
        return k == KernelGraph.Kernel.GATHER_ROWS || k == KernelGraph.Kernel.SCATTER_ADD_ROWS;
    }

    private Entry build(Key key) {
        Graph graph = new Graph();
        try {
            Ops tf = Ops.create(graph);
            List<Placeholder<?>> feeds = new ArrayList<>();
            for (KernelGraph.Signature s : key.inputs()) {
                feeds.add(tf.placeholder(TfKernels.type(s.dtype()), Placeholder.shape(TfKernels.shape(s.shape()))));
            }
            List<Operand<?>> args = new ArrayList<>(feeds);
            Placeholder<TInt32> indices = null;
            if (takesIndices(key.call().kernel())) {
                indices = tf.placeholder(TInt32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.unknown()));
                args.add(indices);
            }
            Operand<?> result = TfKernels.build(tf, key.call(), args);
            builds++;
            return new Entry(graph, sessions.apply(graph), feeds, indices, result);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    private synchronized Entry acquire(Key key) {
        if (closed) {
            throw new IllegalStateException("The TensorFlow backend is closed");
        }
        Entry e = entries.get(key);
        if (e == null) {
            e = build(key);
            entries.put(key, e);
            Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
            while (entries.size() > capacity) {
                Entry old = eldest.next().getValue();
                eldest.remove();
                retire(old);
            }
        }
        e.users++;
        return e;
    }

    private synchronized void release(Entry e) {
        e.users--;
        if (e.evicted && e.users == 0) {
            e.close();
        }
    }

    private static void retire(Entry e) {
        e.evicted = true;
        if (e.users == 0) {
            e.close();
        }
    }

    /**
     * Runs the kernel of {@code key} on {@code inputs} (and {@code indices} for gather and scatter); returns the
     * result, which the caller owns.
     */
    TType run(Key key, List<TType> inputs, int[] indices) {
        Entry e = acquire(key);
        TInt32 fedIndices = null;
        try {
            Session.Runner runner = e.session.runner();
            for (int i = 0; i < inputs.size(); i++) {
                runner.feed(e.feeds.get(i), inputs.get(i));
            }
            if (e.indices != null) {
                fedIndices = TInt32.vectorOf(indices);
                runner.feed(e.indices, fedIndices);
            }
            Result result = RunProfile.run(runner.fetch(e.result));
            // The result holds nothing but the fetched tensor, which the caller now owns.
            Tensor t = result.get(0);
            return (TType) t;
        } finally {
            if (fedIndices != null) {
                fedIndices.close();
            }
            release(e);
        }
    }

    /** One-kernel graphs held now. */
    synchronized int size() {
        return entries.size();
    }

    /** One-kernel graphs built so far (a rebuild after eviction counts again). */
    synchronized long builds() {
        return builds;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            for (Entry e : entries.values()) {
                retire(e);
            }
            entries.clear();
        }
    }
}
