package io.github.bilevel.core.autodiff.graph;

import io.github.bilevel.api.spi.GraphPolicy;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.KernelGraph.Call;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The transformations the core applies to a recorded graph before a backend runs it, as the backend's
 * {@link GraphPolicy} asks (ADR 0014). Each keeps the inputs and outputs of the graph as they are, so a transformed
 * graph is fed exactly like the original and gives the same outputs (up to rounding where products are merged).
 */
public final class GraphPasses {
    private GraphPasses() {
    }

    /**
     * The graph as {@code policy} wants it run: without its dead calls when the policy interprets (a compiler such
     * as TensorFlow's runs only what the fetched outputs need anyway), with its products merged when the policy
     * merges.
     */
    public static KernelGraph forPolicy(KernelGraph graph, GraphPolicy policy) {
        KernelGraph g = policy.interprets() ? pruned(graph) : graph;
        return policy.mergesProducts() ? withMergedProducts(g, policy.mergeMinLeftElements(), policy.mergeMinColumns())
                : g;
    }

    /**
     * The same graph without the calls that no output depends on (dead code); inputs stay as they are. A graph
     * without dead calls is returned as it is.
     */
    public static KernelGraph pruned(KernelGraph graph) {
        List<Call> calls = graph.calls();
        int in = graph.inputs().size();
        boolean[] live = new boolean[in + calls.size()];
        for (int o : graph.outputs()) {
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
                kept.add(c.withArgs(Arrays.stream(c.args()).map(a -> renumber[a]).toArray()));
            }
        }
        if (kept.size() == calls.size()) {
            return graph;
        }
        return new KernelGraph(graph.inputs(), kept, Arrays.stream(graph.outputs()).map(o -> renumber[o]).toArray());
    }

    /** {@link #withMergedProducts(KernelGraph, long, int)} for every size and width. */
    public static KernelGraph withMergedProducts(KernelGraph graph) {
        return withMergedProducts(graph, 0, 1);
    }

    /**
     * The same computation with pairs of matrix products that share their left operand done as one product: two calls
     * {@code A·B₁} and {@code A·B₂} (same transpositions, 2-D, neither needing the other's result) become
     * {@code A·[B₁ B₂]} followed by two slices. A product with few columns reads all of {@code A} for little
     * arithmetic, so the wider product costs far less than two (reverse mode recomputing a step from its stored state
     * multiplies the data by the parameters and, for the vector-Jacobian product, by the adjoint: one read of the data
     * instead of two). Each call joins at most one pair, so no intermediate grows beyond twice its size. Calls are
     * reordered where a merge needs it; inputs and outputs stay as they are. The results equal the graph's up to
     * floating-point rounding: a backend may sum a wider product in another order. Returns the graph itself when
     * nothing merges.
     *
     * @param minLeftElements merge only products whose left operand has at least this many elements
     * @param minColumns      merge only products with at least this many result columns each (a library may compute a
     *                        one-column product as a matrix-vector product, which sums in another order than the same
     *                        column inside a wider product)
     */
    public static KernelGraph withMergedProducts(KernelGraph graph, long minLeftElements, int minColumns) {
        return new ProductMerger(graph).merged(minLeftElements, minColumns);
    }
}
