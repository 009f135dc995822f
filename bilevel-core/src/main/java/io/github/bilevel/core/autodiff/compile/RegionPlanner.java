package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.KernelGraph.Call;
import io.github.bilevel.api.spi.KernelGraph.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Region planning: a record becomes segments, each a {@link KernelGraph} compiled once per structure. */
final class RegionPlanner {
    private RegionPlanner() {
    }

    /**
     * A key equal for two graphs exactly when they compute the same function of their inputs: input signatures, each
     * call (kernel, argument nodes, attributes by content, result signature), and the output nodes.
     */
    record Structure(List<Signature> inputs, List<Call> calls, int[] outputs) {
        Structure(KernelGraph g) {
            this(g.inputs(), g.calls(), g.outputs());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Structure s && inputs.equals(s.inputs) && calls.equals(s.calls)
                    && Arrays.equals(outputs, s.outputs);
        }

        @Override
        public int hashCode() {
            return (inputs.hashCode() * 31 + calls.hashCode()) * 31 + Arrays.hashCode(outputs);
        }
    }

    /**
     * Cuts the record into segments at read-backs and compiles each segment that something reads. Segments of the same
     * structure (the steps of an unrolled loop: same kernels, attributes, shapes and wiring) share one compiled graph,
     * so a region of T repeated steps compiles each step's graphs once and the compiled code does not grow with T.
     */
    static void plan(Region region, List<Event> events, GraphCompiler compiler) {
        int ids = 0;
        for (Event e : events) {
            ids = Math.max(ids, e.id() + 1);
        }
        Signature[] signature = new Signature[ids];
        int[] segmentOf = new int[ids];
        Arrays.fill(segmentOf, -1);
        int[] reads = new int[ids];
        boolean[] captured = new boolean[ids];
        List<List<Event.Invoke>> cut = new ArrayList<>();
        List<Event.Invoke> open = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Feed f) {
                signature[f.id()] = f.signature();
            } else if (e instanceof Event.Capture c) {
                signature[c.id()] = c.signature();
                captured[c.id()] = true;
            } else if (e instanceof Event.Invoke i) {
                signature[i.id()] = i.template().result();
                open.add(i);
                segmentOf[i.id()] = cut.size();
            } else if (e instanceof Event.Read r) {
                reads[r.id()]++;
                if (segmentOf[r.id()] == cut.size()) {
                    cut.add(open);
                    open = new ArrayList<>();
                }
            } else if (e instanceof Event.Boundary && !open.isEmpty()) {
                cut.add(open);
                open = new ArrayList<>();
            }
        }
        // Calls after the last read-back feed nothing that Java sees: they are not compiled and not run.
        for (Event.Invoke dead : open) {
            segmentOf[dead.id()] = -1;
        }
        // What each segment needs from outside it, what later segments and reads need from it, and the last segment
        // that needs each value.
        int segments = cut.size();
        List<LinkedHashSet<Integer>> inputs = new ArrayList<>();
        List<LinkedHashSet<Integer>> outputs = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            inputs.add(new LinkedHashSet<>());
            outputs.add(new LinkedHashSet<>());
        }
        int[] lastUse = new int[ids];
        Arrays.fill(lastUse, -1);
        for (int s = 0; s < segments; s++) {
            for (Event.Invoke i : cut.get(s)) {
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
            if (e instanceof Event.Read r && segmentOf[r.id()] >= 0) {
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
        Map<Structure, GraphCompiler.Compiled> byStructure = new HashMap<>();
        List<Region.Segment> compiled = new ArrayList<>();
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
                for (Event.Invoke i : cut.get(s)) {
                    int[] args = Arrays.stream(i.args()).map(node::get).toArray();
                    calls.add(new Call(i.template().attributes(), args, i.template().result()));
                    node.put(i.id(), node.size());
                }
                int[] outNodes = Arrays.stream(out).map(node::get).toArray();
                KernelGraph graph = new KernelGraph(inSig, calls, outNodes);
                GraphCompiler.Compiled c = byStructure.computeIfAbsent(new Structure(graph), k -> compiler.compile(graph));
                int[] free = freeAfter.get(s).stream().mapToInt(Integer::intValue).toArray();
                compiled.add(new Region.Segment(in, out, free, c));
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
}
