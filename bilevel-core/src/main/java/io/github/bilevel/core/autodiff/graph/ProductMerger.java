package io.github.bilevel.core.autodiff.graph;

import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.KernelGraph.Call;
import io.github.bilevel.api.spi.KernelGraph.Kernel;
import io.github.bilevel.api.spi.KernelGraph.Signature;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.IntStream;

/** {@link GraphPasses#withMergedProducts(KernelGraph, long, int)}: pairing, then scheduling the pairs (ADR 0011). */
final class ProductMerger {
    private final KernelGraph graph;
    private final List<Call> calls;
    private final int in;
    private final int n;

    ProductMerger(KernelGraph graph) {
        this.graph = graph;
        this.calls = graph.calls();
        this.in = graph.inputs().size();
        this.n = calls.size();
    }

    KernelGraph merged(long minLeftElements, int minColumns) {
        int[] partner = new int[n];
        Arrays.fill(partner, -1);
        for (int i = 0; i < n; i++) {
            if (partner[i] >= 0 || !mergeable(calls.get(i), minColumns)
                    || graph.signature(calls.get(i).args()[0]).shape().size() < minLeftElements) {
                continue;
            }
            // nodes that depend on call i, found in one sweep up to the first call that can join it
            BitSet after = new BitSet(in + n);
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
            KernelGraph merged = schedule(partner);
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
                && graph.signature(a.args()[1]).dtype() == graph.signature(b.args()[1]).dtype()
                && a.result().shape().dim(0) == b.result().shape().dim(0);
    }

    /**
     * Emits the calls in their order, each merged pair at the place of its later call (a concatenation, the product
     * and two slices, which stand for the two original nodes), and what reads the earlier call's result after it.
     * Returns null after unpairing one pair when the pairs cannot all be scheduled.
     */
    private KernelGraph schedule(int[] partner) {
        if (Arrays.stream(partner).allMatch(p -> p < 0)) {
            return graph;
        }
        // unit u = the call u, or for a pair the later call; the earlier call of a pair belongs to its partner's unit
        int[] unitOf = new int[in + n];
        Arrays.fill(unitOf, 0, in, -1);
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
            Set<Integer> needs = new HashSet<>();
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
        PriorityQueue<Integer> ready = new PriorityQueue<>();
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
                out.add(c.withArgs(Arrays.stream(c.args()).map(a -> renumber[a]).toArray()));
                renumber[in + u] = in + out.size() - 1;
            } else {
                emitPair(calls.get(partner[u]), calls.get(u), renumber, out);
                renumber[in + partner[u]] = in + out.size() - 2;
                renumber[in + u] = in + out.size() - 1;
            }
            for (int r : readers.get(u)) {
                if (--waiting[r] == 0) {
                    ready.add(r);
                }
            }
        }
        long expected = IntStream.range(0, n).filter(u -> unitOf[in + u] == u).count();
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
        return new KernelGraph(graph.inputs(), out, Arrays.stream(graph.outputs()).map(o -> renumber[o]).toArray());
    }

    /** {@code A·[B₁ B₂]} and its two slices, the last two calls emitted standing for {@code a} and {@code b}. */
    private void emitPair(Call a, Call b, int[] renumber, List<Call> out) {
        boolean transposeB = ((KernelAttributes.Matmul) a.attributes()).transposeB();
        Shape sa = graph.signature(a.args()[1]).shape();
        Shape sb = graph.signature(b.args()[1]).shape();
        int axis = transposeB ? 0 : 1;
        Shape joined = transposeB ? Shape.of(sa.dim(0) + sb.dim(0), sa.dim(1))
                : Shape.of(sa.dim(0), sa.dim(1) + sb.dim(1));
        DType operandType = graph.signature(a.args()[1]).dtype();
        out.add(new Call(new KernelAttributes.Concat(axis), new int[] {renumber[a.args()[1]], renumber[b.args()[1]]},
                new Signature(joined, operandType)));
        int rows = a.result().shape().dim(0);
        int colsA = a.result().shape().dim(1);
        int colsB = b.result().shape().dim(1);
        out.add(new Call(a.attributes(), new int[] {renumber[a.args()[0]], in + out.size() - 1},
                new Signature(Shape.of(rows, colsA + colsB), a.result().dtype())));
        int product = in + out.size() - 1;
        out.add(new Call(new KernelAttributes.Slice(new int[] {0, 0}, new int[] {rows, colsA}), new int[] {product},
                a.result()));
        out.add(new Call(new KernelAttributes.Slice(new int[] {0, colsA}, new int[] {rows, colsB}),
                new int[] {product}, b.result()));
    }
}
