package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.GraphCompiler;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** The record of one compiled region and its compiled segments ({@link Compilation}); used by one run at a time. */
final class Region implements AutoCloseable {

    /**
     * Segments of calls between read-backs, each compiled, with what it reads, what later code needs of it, and the
     * values no later segment or read needs once it has run (freed then, so that a long region holds only what is
     * still to be used).
     */
    record Segment(int[] inputIds, int[] outputIds, int[] freeAfter, GraphCompiler.Compiled compiled) {
    }

    List<Event> events;
    List<Segment> segments;
    int[] segmentOf; // call id → segment index, or -1 (not a call, or a call nobody reads)
    int[] lastUse;   // id → the last segment that takes it as input, or -1
    int[] reads;     // id → how many times Java reads it
    int departures;
    boolean eagerOnly;

    boolean recorded() {
        return events != null;
    }

    @Override
    public synchronized void close() {
        if (segments != null) {
            // Segments of the same structure share one compiled graph: close each graph once.
            Set<GraphCompiler.Compiled> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
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
