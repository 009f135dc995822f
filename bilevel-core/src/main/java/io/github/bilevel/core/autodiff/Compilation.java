package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Capability;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.KernelGraph.Call;
import io.github.bilevel.api.spi.KernelGraph.Kernel;
import io.github.bilevel.api.spi.KernelGraph.Signature;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiled regions: the first run of a region executes eagerly and records every kernel call, every array created
 * from Java values (fed again on each run), every array from outside the region (captured) and every read back to
 * Java. The record is cut at each read-back into segments, and the backend's {@link GraphCompiler} compiles each
 * segment. Later runs (and, with an interpreting compiler, the first run again right after recording) execute the
 * same Java code against a replaying backend: kernel calls only check that they follow the record and return
 * placeholders; a read-back runs the compiled segments it depends on, one native call
 * each. A run that departs from the record (other kernels, attributes or shapes) is abandoned and the region is
 * recorded afresh; a region that departs twice, or whose placeholders outlive it, runs eagerly from then on.
 *
 * <p>The code in a region must depend on tensor values only through what it reads back (no other side channels), and
 * must not keep its tensors after it ends; a hypergradient computation is such a region.
 */
final class Compilation {

    /** A run departed from the record. */
    static final class Mismatch extends RuntimeException {
        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    // ---- the record -------------------------------------------------------------------------------------------

    private sealed interface Event permits Feed, Capture, Invoke, Read, Boundary {
    }

    /** An array made from Java values inside the region: an input of the graph, fed anew on every run. */
    private record Feed(int id, Signature signature, boolean floats) implements Event {
    }

    /** The first use of an array made outside the region: an input of the graph. */
    private record Capture(int id, Signature signature) implements Event {
    }

    /** A kernel call: what it computes, and the ids of its arguments. */
    private record Invoke(int id, Template template, int[] args) implements Event {
    }

    /**
     * A kernel call without its arguments: the kernel, its attributes and its result's shape and type. The steps of a
     * loop make the same few calls over and over, so a recording shares one template per distinct call
     * ({@link Recorder#template}) and stores only ids per call: a region of many steps holds a few dozen bytes per
     * kernel call instead of a few hundred.
     */
    private record Template(Kernel kernel, List<Object> attributes, Signature result) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Template t && t.kernel == kernel && t.result.equals(result)
                    && Replayer.sameAttributes(t.attributes, attributes);
        }

        @Override
        public int hashCode() {
            int h = kernel.hashCode() * 31 + result.hashCode();
            for (Object a : attributes) {
                h = h * 31 + (a instanceof int[] ints ? Arrays.hashCode(ints) : a.hashCode());
            }
            return h;
        }
    }

    /** A read back to Java of the array with this id. */
    private record Read(int id) implements Event {
    }

    /** The end of one repetition of a loop ({@link io.github.bilevel.api.tensor.Ops#stepBoundary}): a segment ends. */
    private record Boundary() implements Event {
        static final Boundary INSTANCE = new Boundary();
    }

    /**
     * Segments of calls between read-backs, each compiled, with what it reads, what later code needs of it, and the
     * values no later segment or read needs once it has run (freed then, so that a long region holds only what is
     * still to be used).
     */
    private record Segment(int[] inputIds, int[] outputIds, int[] freeAfter, GraphCompiler.Compiled compiled) {
    }

    /** The record of one region and its compiled segments. */
    static final class Region implements AutoCloseable {
        private List<Event> events;
        private List<Segment> segments;
        private int[] segmentOf; // call id → segment index, or -1 (not a call, or a call nobody reads)
        private int[] lastUse;   // id → the last segment that takes it as input, or -1
        private int[] reads;     // id → how many times Java reads it
        private int departures;
        private boolean eagerOnly;

        boolean eagerOnly() {
            return eagerOnly;
        }

        @Override
        public synchronized void close() {
            if (segments != null) {
                // Segments of the same structure share one compiled graph: close each graph once.
                java.util.Set<GraphCompiler.Compiled> distinct =
                        java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                segments.forEach(s -> distinct.add(s.compiled()));
                distinct.forEach(GraphCompiler.Compiled::close);
            }
            segments = null;
            events = null;
            segmentOf = null;
            lastUse = null;
            reads = null;
        }
    }

    private Compilation() {
    }

    /**
     * Runs {@code body} in {@code region}: records it the first time ({@link #firstRun}), replays it compiled
     * afterwards.
     *
     * @param install makes a backend the engine's kernels on this thread for the duration of the body (null restores)
     */
    static <T> T run(Region region, Backend backend, GraphCompiler compiler, java.util.function.Supplier<T> body,
                     java.util.function.Consumer<Backend> install) {
        synchronized (region) {
            if (region.eagerOnly) {
                return body.get();
            }
            if (region.events == null) {
                return firstRun(region, backend, compiler, body, install);
            }
            return replay(region, backend, compiler, body, install);
        }
    }

    /**
     * Records the body. With an interpreting compiler, then runs it again from the record and returns that run's
     * result: its replay may sum merged products in another order than the eager recording run (ADR 0011), and the
     * numbers must not depend on which call recorded (a resumed run records at another iteration than an
     * uninterrupted one, and must still end with the same bits); an interpreted replay costs what an eager run costs.
     * A compiling backend returns the recording run's results: its first run of each compiled graph is expensive
     * (TensorFlow optimizes the graph then), and its compiled runs give the eager bits in the shapes it merges.
     */
    private static <T> T firstRun(Region region, Backend backend, GraphCompiler compiler,
                                  java.util.function.Supplier<T> body, java.util.function.Consumer<Backend> install) {
        T recorded = record(region, backend, compiler, body, install);
        return compiler.interprets() ? replay(region, backend, compiler, body, install) : recorded;
    }

    private static <T> T replay(Region region, Backend backend, GraphCompiler compiler,
                                java.util.function.Supplier<T> body, java.util.function.Consumer<Backend> install) {
        Replayer replayer = new Replayer(backend, region);
        T result;
        install.accept(replayer);
        try {
            result = body.get();
        } catch (Mismatch m) {
            install.accept(null);
            replayer.release();
            region.close();
            if (++region.departures >= 2) {
                region.eagerOnly = true;
                return body.get();
            }
            return firstRun(region, backend, compiler, body, install);
        } catch (RuntimeException | Error e) {
            // For example a NaN found by a read-back: the run ends, its fed arrays and results are freed.
            install.accept(null);
            replayer.release();
            throw e;
        } finally {
            install.accept(null);
        }
        boolean leaked = replayer.openPlaceholders > 0;
        replayer.release();
        if (leaked) {
            // Placeholders escaped the region: their values are not kept, so this region cannot be compiled.
            region.close();
            region.eagerOnly = true;
            return body.get();
        }
        return result;
    }

    private static <T> T record(Region region, Backend backend, GraphCompiler compiler,
                                java.util.function.Supplier<T> body, java.util.function.Consumer<Backend> install) {
        Recorder recorder = new Recorder(backend);
        T result;
        install.accept(recorder);
        try {
            result = body.get();
        } finally {
            install.accept(null);
        }
        plan(region, recorder.events, compiler);
        return result;
    }

    /**
     * Cuts the record into segments at read-backs and compiles each segment that something reads. Segments of the same
     * structure (the steps of an unrolled loop: same kernels, attributes, shapes and wiring) share one compiled graph,
     * so a region of T repeated steps compiles each step's graphs once and the compiled code does not grow with T.
     */
    private static void plan(Region region, List<Event> events, GraphCompiler compiler) {
        int ids = 0;
        for (Event e : events) {
            ids = Math.max(ids, idOf(e) + 1);
        }
        Signature[] signature = new Signature[ids];
        int[] segmentOf = new int[ids];
        Arrays.fill(segmentOf, -1);
        int[] reads = new int[ids];
        boolean[] captured = new boolean[ids];
        List<List<Invoke>> cut = new ArrayList<>();
        List<Invoke> open = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Feed f) {
                signature[f.id()] = f.signature();
            } else if (e instanceof Capture c) {
                signature[c.id()] = c.signature();
                captured[c.id()] = true;
            } else if (e instanceof Invoke i) {
                signature[i.id()] = i.template().result();
                open.add(i);
                segmentOf[i.id()] = cut.size();
            } else if (e instanceof Read r) {
                reads[r.id()]++;
                if (segmentOf[r.id()] == cut.size()) {
                    cut.add(open);
                    open = new ArrayList<>();
                }
            } else if (e instanceof Boundary && !open.isEmpty()) {
                cut.add(open);
                open = new ArrayList<>();
            }
        }
        // Calls after the last read-back feed nothing that Java sees: they are not compiled and not run.
        for (Invoke dead : open) {
            segmentOf[dead.id()] = -1;
        }
        // What each segment needs from outside it, what later segments and reads need from it, and the last segment
        // that needs each value.
        int segments = cut.size();
        List<java.util.LinkedHashSet<Integer>> inputs = new ArrayList<>();
        List<java.util.LinkedHashSet<Integer>> outputs = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            inputs.add(new java.util.LinkedHashSet<>());
            outputs.add(new java.util.LinkedHashSet<>());
        }
        int[] lastUse = new int[ids];
        Arrays.fill(lastUse, -1);
        for (int s = 0; s < segments; s++) {
            for (Invoke i : cut.get(s)) {
                for (int a : i.args()) {
                    int from = segmentOf[a];
                    if (from != s) {
                        inputs.get(s).add(a);
                        lastUse[a] = s;
                        if (from >= 0) {
                            outputs.get(from).add(a);
                        }
                    }
                }
            }
        }
        for (Event e : events) {
            if (e instanceof Read r && segmentOf[r.id()] >= 0) {
                outputs.get(segmentOf[r.id()]).add(r.id());
            }
        }
        // A value is freed after the last segment that takes it as input (and after its last read back, if that comes
        // later), unless it came from outside the region (not the region's to free).
        List<List<Integer>> freeAfter = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            freeAfter.add(new ArrayList<>());
        }
        for (int id = 0; id < ids; id++) {
            if (lastUse[id] >= 0 && !captured[id]) {
                freeAfter.get(lastUse[id]).add(id);
            }
        }
        Map<String, GraphCompiler.Compiled> byStructure = new HashMap<>();
        List<Segment> compiled = new ArrayList<>();
        try {
            for (int s = 0; s < segments; s++) {
                int[] in = inputs.get(s).stream().mapToInt(Integer::intValue).toArray();
                int[] out = outputs.get(s).stream().mapToInt(Integer::intValue).toArray();
                Map<Integer, Integer> node = new HashMap<>();
                List<Signature> inSig = new ArrayList<>();
                for (int id : in) {
                    node.put(id, node.size());
                    inSig.add(signature[id]);
                }
                List<Call> calls = new ArrayList<>();
                for (Invoke i : cut.get(s)) {
                    int[] args = Arrays.stream(i.args()).map(node::get).toArray();
                    Template t = i.template();
                    calls.add(new Call(t.kernel(), args, t.attributes(), t.result()));
                    node.put(i.id(), node.size());
                }
                int[] outNodes = Arrays.stream(out).map(node::get).toArray();
                KernelGraph graph = new KernelGraph(inSig, calls, outNodes);
                GraphCompiler.Compiled c = byStructure.computeIfAbsent(structure(graph), k -> compiler.compile(graph));
                int[] free = freeAfter.get(s).stream().mapToInt(Integer::intValue).toArray();
                compiled.add(new Segment(in, out, free, c));
            }
        } catch (RuntimeException e) {
            byStructure.values().forEach(GraphCompiler.Compiled::close);
            throw e;
        }
        region.events = List.copyOf(events);
        region.segments = compiled;
        region.segmentOf = segmentOf;
        region.lastUse = lastUse;
        region.reads = reads;
    }

    private static int idOf(Event e) {
        if (e instanceof Feed f) {
            return f.id();
        }
        if (e instanceof Capture c) {
            return c.id();
        }
        if (e instanceof Invoke i) {
            return i.id();
        }
        return e instanceof Read r ? r.id() : -1;
    }

    /**
     * A key equal for two graphs exactly when they compute the same function of their inputs: input signatures, each
     * call's kernel, argument nodes, attributes (arrays by content) and result signature, and the output nodes.
     */
    static String structure(KernelGraph g) {
        StringBuilder b = new StringBuilder();
        for (Signature in : g.inputs()) {
            b.append(in.shape()).append(in.dtype()).append(';');
        }
        for (Call c : g.calls()) {
            b.append('|').append(c.kernel()).append(Arrays.toString(c.args()));
            for (Object a : c.attributes()) {
                b.append(',');
                if (a instanceof int[] ints) {
                    b.append(Arrays.toString(ints));
                } else if (a instanceof Double d) {
                    b.append(Double.doubleToRawLongBits(d)); // exact, -0.0 and NaN payloads included
                } else {
                    b.append(a);
                }
            }
            b.append("->").append(c.result().shape()).append(c.result().dtype());
        }
        return b.append("=>").append(Arrays.toString(g.outputs())).toString();
    }

    /** A step boundary in the code running on {@code kernels}: recorded, or checked against the record. */
    static void boundary(Backend kernels) {
        if (kernels instanceof Recorder r) {
            r.events.add(Boundary.INSTANCE);
        } else if (kernels instanceof Replayer p && !(p.expect() instanceof Boundary)) {
            throw new Mismatch("a step boundary departs from the record");
        }
    }

    // ---- recording ------------------------------------------------------------------------------------------

    /** Runs every kernel eagerly on the real backend and records it. */
    private static final class Recorder implements Backend {
        private final Backend real;
        private final List<Event> events = new ArrayList<>();
        private final WeakIds ids = new WeakIds();
        private int next;

        Recorder(Backend real) {
            this.real = real;
        }

        private int id(NdArray a) {
            Integer id = ids.get(a);
            if (id == null) {
                id = next++;
                ids.put(a, id);
                events.add(new Capture(id, new Signature(a.shape(), a.dtype())));
            }
            return id;
        }

        private NdArray call(Kernel kernel, NdArray result, List<Object> attributes, NdArray... args) {
            int[] argIds = new int[args.length];
            for (int i = 0; i < args.length; i++) {
                argIds[i] = id(args[i]);
            }
            int id = next++;
            ids.put(result, id);
            events.add(new Invoke(id, template(new Template(kernel, attributes, new Signature(result.shape(),
                    result.dtype()))), argIds));
            return result;
        }

        private final Map<Template, Template> templates = new HashMap<>();

        /** The recording's one instance of a template equal to {@code t}. */
        private Template template(Template t) {
            Template known = templates.putIfAbsent(t, t);
            return known == null ? t : known;
        }

        private NdArray feed(NdArray result, boolean floats) {
            int id = next++;
            ids.put(result, id);
            events.add(new Feed(id, new Signature(result.shape(), result.dtype()), floats));
            return result;
        }

        @Override
        public String id() {
            return real.id();
        }

        @Override
        public NdArray fromDoubles(double[] values, Shape shape, DType dtype) {
            return feed(real.fromDoubles(values, shape, dtype), false);
        }

        @Override
        public NdArray fromFloats(float[] values, Shape shape) {
            return feed(real.fromFloats(values, shape), true);
        }

        @Override
        public double[] toDoubles(NdArray x) {
            events.add(new Read(id(x)));
            return real.toDoubles(x);
        }

        @Override
        public NdArray full(Shape shape, double value, DType dtype) {
            return call(Kernel.FULL, real.full(shape, value, dtype), List.of(value));
        }

        @Override
        public NdArray cast(NdArray x, DType dtype) {
            return call(Kernel.CAST, real.cast(x, dtype), List.of(), x);
        }

        @Override
        public NdArray unary(UnaryKernel kernel, NdArray x) {
            return call(Kernel.UNARY, real.unary(kernel, x), List.of(kernel), x);
        }

        @Override
        public NdArray binary(BinaryKernel kernel, NdArray a, NdArray b) {
            return call(Kernel.BINARY, real.binary(kernel, a, b), List.of(kernel), a, b);
        }

        @Override
        public NdArray select(NdArray condition, NdArray a, NdArray b) {
            return call(Kernel.SELECT, real.select(condition, a, b), List.of(), condition, a, b);
        }

        @Override
        public NdArray matmul(NdArray a, NdArray b, boolean transposeA, boolean transposeB) {
            return call(Kernel.MATMUL, real.matmul(a, b, transposeA, transposeB), List.of(transposeA, transposeB), a,
                    b);
        }

        @Override
        public NdArray reshape(NdArray x, Shape shape) {
            return call(Kernel.RESHAPE, real.reshape(x, shape), List.of(), x);
        }

        @Override
        public NdArray permute(NdArray x, int[] axes) {
            return call(Kernel.PERMUTE, real.permute(x, axes), List.of(axes.clone()), x);
        }

        @Override
        public NdArray broadcastTo(NdArray x, Shape shape) {
            return call(Kernel.BROADCAST_TO, real.broadcastTo(x, shape), List.of(), x);
        }

        @Override
        public NdArray concat(List<NdArray> xs, int axis) {
            return call(Kernel.CONCAT, real.concat(xs, axis), List.of(axis), xs.toArray(new NdArray[0]));
        }

        @Override
        public NdArray slice(NdArray x, int[] begin, int[] size) {
            return call(Kernel.SLICE, real.slice(x, begin, size), List.of(begin.clone(), size.clone()), x);
        }

        @Override
        public NdArray pad(NdArray x, int[] before, int[] after) {
            return call(Kernel.PAD, real.pad(x, before, after), List.of(before.clone(), after.clone()), x);
        }

        @Override
        public NdArray gatherRows(NdArray x, int[] indices) {
            return call(Kernel.GATHER_ROWS, real.gatherRows(x, indices), List.of(indices.clone()), x);
        }

        @Override
        public NdArray scatterAddRows(NdArray updates, int[] indices, int rows) {
            return call(Kernel.SCATTER_ADD_ROWS, real.scatterAddRows(updates, indices, rows),
                    List.of(indices.clone(), rows), updates);
        }

        @Override
        public NdArray reduceSum(NdArray x, int[] axes, boolean keepDims) {
            return call(Kernel.REDUCE_SUM, real.reduceSum(x, axes, keepDims), List.of(axes.clone(), keepDims), x);
        }

        @Override
        public NdArray reduceMax(NdArray x, int axis, boolean keepDims) {
            return call(Kernel.REDUCE_MAX, real.reduceMax(x, axis, keepDims), List.of(axis, keepDims), x);
        }

        @Override
        public NdArray conv2d(NdArray x, NdArray filter, Conv2dSpec spec) {
            return call(Kernel.CONV2D, real.conv2d(x, filter, spec), List.of(spec), x, filter);
        }

        @Override
        public NdArray conv2dBackpropInput(Shape inputShape, NdArray filter, NdArray dy, Conv2dSpec spec) {
            return call(Kernel.CONV2D_BACKPROP_INPUT, real.conv2dBackpropInput(inputShape, filter, dy, spec),
                    List.of(inputShape, spec), filter, dy);
        }

        @Override
        public NdArray conv2dBackpropFilter(NdArray x, Shape filterShape, NdArray dy, Conv2dSpec spec) {
            return call(Kernel.CONV2D_BACKPROP_FILTER, real.conv2dBackpropFilter(x, filterShape, dy, spec),
                    List.of(filterShape, spec), x, dy);
        }

        @Override
        public <C extends Capability> Optional<C> capability(Class<C> type) {
            return Optional.empty(); // no compiled region inside a compiled region
        }

        @Override
        public void close() {
        }
    }

    /**
     * Record ids of arrays, by identity, holding the arrays weakly: a recording of many steps must not keep every array
     * it made reachable until it ends (their Java objects outweigh the record many times over).
     */
    private static final class WeakIds {
        private final Map<Key, Integer> map = new HashMap<>();
        private final java.lang.ref.ReferenceQueue<NdArray> cleared = new java.lang.ref.ReferenceQueue<>();

        private static final class Key extends java.lang.ref.WeakReference<NdArray> {
            private final int hash;

            Key(NdArray a, java.lang.ref.ReferenceQueue<NdArray> queue) {
                super(a, queue);
                hash = System.identityHashCode(a);
            }

            @Override
            public int hashCode() {
                return hash;
            }

            @Override
            public boolean equals(Object o) {
                if (this == o) {
                    return true;
                }
                NdArray a = get();
                return o instanceof Key k && a != null && a == k.get();
            }
        }

        Integer get(NdArray a) {
            purge();
            return map.get(new Key(a, null));
        }

        void put(NdArray a, int id) {
            purge();
            map.put(new Key(a, cleared), id);
        }

        private void purge() {
            for (java.lang.ref.Reference<?> r = cleared.poll(); r != null; r = cleared.poll()) {
                map.remove(r);
            }
        }
    }

    // ---- replaying ------------------------------------------------------------------------------------------

    /** A value of a replayed run: its shape and record id; its numbers live in the replayer until read. */
    private static final class Placeholder implements NdArray {
        private final Replayer owner;
        final int id;
        private final Signature signature;
        private boolean closed;

        Placeholder(Replayer owner, int id, Signature signature) {
            this.owner = owner;
            this.id = id;
            this.signature = signature;
            owner.openPlaceholders++;
        }

        @Override
        public Shape shape() {
            return signature.shape();
        }

        @Override
        public DType dtype() {
            return signature.dtype();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                owner.openPlaceholders--;
            }
        }
    }

    /** Checks each call against the record and returns placeholders; runs compiled segments when Java reads. */
    private static final class Replayer implements Backend {
        private final Backend real;
        private final Region region;
        private final NdArray[] values;  // id → real array, while something may still need it
        private final boolean[] owned;   // whether this run made the array (and so frees it)
        private final int[] readsLeft;
        private final IdentityHashMap<NdArray, Integer> captured = new IdentityHashMap<>();
        private int position;
        private int segmentsRun;
        int openPlaceholders;

        Replayer(Backend real, Region region) {
            this.real = real;
            this.region = region;
            values = new NdArray[region.segmentOf.length];
            owned = new boolean[values.length];
            readsLeft = region.reads.clone();
        }

        private Event expect() {
            if (position >= region.events.size()) {
                throw new Mismatch("more work than recorded");
            }
            return region.events.get(position++);
        }

        private int id(NdArray a) {
            if (a instanceof Placeholder p) {
                if (p.owner != this) {
                    throw new Mismatch("a placeholder of another run");
                }
                return p.id;
            }
            Integer known = captured.get(a);
            if (known != null) {
                return known; // an outside array used again: the record captured it at its first use
            }
            // An array from outside the region: the record must capture one of the same shape here.
            Event e = expect();
            if (!(e instanceof Capture c) || !c.signature().equals(new Signature(a.shape(), a.dtype()))) {
                throw new Mismatch("an outside array " + a.shape() + " at event " + (position - 1) + " where the "
                        + "record has " + e);
            }
            values[c.id()] = a;
            captured.put(a, c.id());
            return c.id();
        }

        private NdArray call(Kernel kernel, List<Object> attributes, NdArray... args) {
            int[] argIds = new int[args.length];
            for (int i = 0; i < args.length; i++) {
                argIds[i] = id(args[i]);
            }
            Event e = expect();
            if (!(e instanceof Invoke inv) || inv.template().kernel() != kernel || !Arrays.equals(inv.args(), argIds)
                    || !sameAttributes(inv.template().attributes(), attributes)) {
                throw new Mismatch("kernel " + kernel + " departs from the record at event " + (position - 1));
            }
            return new Placeholder(this, inv.id(), inv.template().result());
        }

        // Compared in place: List.toArray and Arrays.deepEquals allocated on every kernel call of every replay.
        static boolean sameAttributes(List<Object> recorded, List<Object> now) {
            int n = recorded.size();
            if (n != now.size()) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                Object r = recorded.get(i);
                Object c = now.get(i);
                boolean same = r instanceof int[] ri ? c instanceof int[] ci && Arrays.equals(ri, ci) : r.equals(c);
                if (!same) {
                    return false;
                }
            }
            return true;
        }

        private NdArray feed(NdArray created) {
            Event e = expect();
            if (!(e instanceof Feed f) || !f.signature().equals(new Signature(created.shape(), created.dtype()))) {
                created.close();
                throw new Mismatch("a created array departs from the record");
            }
            values[f.id()] = created;
            owned[f.id()] = true;
            return new Placeholder(this, f.id(), f.signature());
        }

        /** The real array with this id, running the compiled segments up to the one that computes it. */
        private NdArray value(int id) {
            NdArray v = values[id];
            if (v != null) {
                return v;
            }
            int segment = region.segmentOf[id];
            if (segment < 0) {
                throw new Mismatch("a read of a value the record never read");
            }
            while (segmentsRun <= segment) {
                Segment s = region.segments.get(segmentsRun);
                List<NdArray> in = new ArrayList<>(s.inputIds().length);
                for (int input : s.inputIds()) {
                    NdArray x = values[input];
                    if (x == null) {
                        throw new Mismatch("segment " + segmentsRun + " misses input " + input);
                    }
                    in.add(x);
                }
                List<NdArray> out = s.compiled().run(in);
                for (int k = 0; k < out.size(); k++) {
                    values[s.outputIds()[k]] = out.get(k);
                    owned[s.outputIds()[k]] = true;
                }
                segmentsRun++;
                for (int dead : s.freeAfter()) {
                    freeIfDone(dead);
                }
            }
            return values[id];
        }

        /** Frees a value of this run once every segment that takes it has run and Java has read it as often as recorded. */
        private void freeIfDone(int id) {
            NdArray v = values[id];
            if (v != null && owned[id] && readsLeft[id] == 0 && region.lastUse[id] < segmentsRun) {
                values[id] = null;
                v.close();
            }
        }

        void release() {
            for (int id = 0; id < values.length; id++) {
                if (values[id] != null && owned[id]) {
                    values[id].close();
                }
                values[id] = null;
            }
        }

        @Override
        public String id() {
            return real.id();
        }

        @Override
        public NdArray fromDoubles(double[] v, Shape shape, DType dtype) {
            return feed(real.fromDoubles(v, shape, dtype));
        }

        @Override
        public NdArray fromFloats(float[] v, Shape shape) {
            return feed(real.fromFloats(v, shape));
        }

        @Override
        public double[] toDoubles(NdArray x) {
            if (!(x instanceof Placeholder p)) {
                return real.toDoubles(x);
            }
            if (!(expect() instanceof Read r) || r.id() != p.id) {
                throw new Mismatch("a read departs from the record");
            }
            double[] read = real.toDoubles(value(p.id));
            readsLeft[p.id]--;
            freeIfDone(p.id);
            return read;
        }

        @Override
        public NdArray full(Shape shape, double value, DType dtype) {
            NdArray p = call(Kernel.FULL, List.of(value));
            if (!p.shape().equals(shape) || p.dtype() != dtype) {
                throw new Mismatch("full() of another shape");
            }
            return p;
        }

        @Override
        public NdArray cast(NdArray x, DType dtype) {
            return checked(call(Kernel.CAST, List.of(), x), null, dtype);
        }

        @Override
        public NdArray unary(UnaryKernel kernel, NdArray x) {
            return call(Kernel.UNARY, List.of(kernel), x);
        }

        @Override
        public NdArray binary(BinaryKernel kernel, NdArray a, NdArray b) {
            return call(Kernel.BINARY, List.of(kernel), a, b);
        }

        @Override
        public NdArray select(NdArray condition, NdArray a, NdArray b) {
            return call(Kernel.SELECT, List.of(), condition, a, b);
        }

        @Override
        public NdArray matmul(NdArray a, NdArray b, boolean transposeA, boolean transposeB) {
            return call(Kernel.MATMUL, List.of(transposeA, transposeB), a, b);
        }

        @Override
        public NdArray reshape(NdArray x, Shape shape) {
            return checked(call(Kernel.RESHAPE, List.of(), x), shape, null);
        }

        @Override
        public NdArray permute(NdArray x, int[] axes) {
            return call(Kernel.PERMUTE, List.of(axes.clone()), x);
        }

        @Override
        public NdArray broadcastTo(NdArray x, Shape shape) {
            return checked(call(Kernel.BROADCAST_TO, List.of(), x), shape, null);
        }

        @Override
        public NdArray concat(List<NdArray> xs, int axis) {
            return call(Kernel.CONCAT, List.of(axis), xs.toArray(new NdArray[0]));
        }

        @Override
        public NdArray slice(NdArray x, int[] begin, int[] size) {
            return call(Kernel.SLICE, List.of(begin.clone(), size.clone()), x);
        }

        @Override
        public NdArray pad(NdArray x, int[] before, int[] after) {
            return call(Kernel.PAD, List.of(before.clone(), after.clone()), x);
        }

        @Override
        public NdArray gatherRows(NdArray x, int[] indices) {
            return call(Kernel.GATHER_ROWS, List.of(indices.clone()), x);
        }

        @Override
        public NdArray scatterAddRows(NdArray updates, int[] indices, int rows) {
            return call(Kernel.SCATTER_ADD_ROWS, List.of(indices.clone(), rows), updates);
        }

        @Override
        public NdArray reduceSum(NdArray x, int[] axes, boolean keepDims) {
            return call(Kernel.REDUCE_SUM, List.of(axes.clone(), keepDims), x);
        }

        @Override
        public NdArray reduceMax(NdArray x, int axis, boolean keepDims) {
            return call(Kernel.REDUCE_MAX, List.of(axis, keepDims), x);
        }

        @Override
        public NdArray conv2d(NdArray x, NdArray filter, Conv2dSpec spec) {
            return call(Kernel.CONV2D, List.of(spec), x, filter);
        }

        @Override
        public NdArray conv2dBackpropInput(Shape inputShape, NdArray filter, NdArray dy, Conv2dSpec spec) {
            return call(Kernel.CONV2D_BACKPROP_INPUT, List.of(inputShape, spec), filter, dy);
        }

        @Override
        public NdArray conv2dBackpropFilter(NdArray x, Shape filterShape, NdArray dy, Conv2dSpec spec) {
            return call(Kernel.CONV2D_BACKPROP_FILTER, List.of(filterShape, spec), x, dy);
        }

        private static NdArray checked(NdArray p, Shape shape, DType dtype) {
            if ((shape != null && !p.shape().equals(shape)) || (dtype != null && p.dtype() != dtype)) {
                throw new Mismatch("a result of another shape or dtype than recorded");
            }
            return p;
        }

        @Override
        public <C extends Capability> Optional<C> capability(Class<C> type) {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }
}
