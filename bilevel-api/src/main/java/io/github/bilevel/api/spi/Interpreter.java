package io.github.bilevel.api.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@link GraphCompiler#interpreting} and {@link GraphCompiler#interpretingMerged}: a graph's live calls, evaluated one
 * kernel at a time.
 */
final class Interpreter implements GraphCompiler {
    private final Backend backend;
    private final boolean mergeProducts;

    Interpreter(Backend backend, boolean mergeProducts) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.mergeProducts = mergeProducts;
    }

    @Override
    public boolean interprets() {
        return true;
    }

    @Override
    public Compiled compile(KernelGraph graph) {
        KernelGraph live = mergeProducts ? graph.pruned().withMergedProducts(KernelGraph.MERGE_MIN_LEFT_ELEMENTS)
                : graph.pruned();
        return new Compiled() {
            @Override
            public List<NdArray> run(List<NdArray> inputs) {
                List<NdArray> out = live.evaluate(backend, inputs);
                // evaluate() may hand back an input, or one array for an output listed twice; a run's outputs are the
                // caller's own, so those become copies.
                Set<NdArray> fed = Collections.newSetFromMap(new IdentityHashMap<>());
                fed.addAll(inputs);
                Set<NdArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                List<NdArray> owned = new ArrayList<>(out.size());
                for (NdArray a : out) {
                    owned.add(fed.contains(a) || !seen.add(a)
                            ? backend.fromDoubles(backend.toDoubles(a), a.shape(), a.dtype()) : a);
                }
                return owned;
            }

            @Override
            public void close() {
            }
        };
    }
}
