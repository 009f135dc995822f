package io.github.bilevel.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.core.autodiff.graph.GraphPasses;
import io.github.bilevel.api.spi.KernelGraph.Call;
import io.github.bilevel.api.spi.KernelGraph.Kernel;
import io.github.bilevel.api.spi.KernelGraph.Signature;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link GraphPasses#withMergedProducts}: products sharing their left operand become one product and two slices, and
 * the graph still computes the same values. The reference backend sums each element of a product in the same order
 * whatever the width, so the merged graph's results must equal the original's exactly.
 */
class MergedProductsTest {
    private final ReferenceBackend ref = new ReferenceBackend();

    private static Signature sig(int... dims) {
        return new Signature(Shape.of(dims), DType.FLOAT64);
    }

    private static Call matmul(int a, int b, boolean ta, boolean tb, Signature result) {
        return new Call(KernelAttributes.Matmul.of(ta, tb), new int[] {a, b}, result);
    }

    private static Call unary(UnaryKernel k, int a, Signature result) {
        return new Call(new KernelAttributes.Unary(k), new int[] {a}, result);
    }

    private static Call binary(BinaryKernel k, int a, int b, Signature result) {
        return new Call(new KernelAttributes.Binary(k), new int[] {a, b}, result);
    }

    private static long products(KernelGraph g) {
        return g.calls().stream().filter(c -> c.kernel() == Kernel.MATMUL).count();
    }

    private List<NdArray> feeds(KernelGraph g, long seed) {
        Random rng = new Random(seed);
        List<NdArray> feeds = new ArrayList<>();
        for (Signature s : g.inputs()) {
            double[] v = new double[(int) s.shape().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = rng.nextGaussian();
            }
            feeds.add(ref.fromDoubles(v, s.shape(), s.dtype()));
        }
        return feeds;
    }

    private void assertSameValues(KernelGraph expected, KernelGraph actual, long seed) {
        List<NdArray> in = feeds(expected, seed);
        List<NdArray> a = expected.evaluate(ref, in);
        List<NdArray> b = actual.evaluate(ref, in);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).shape(), b.get(i).shape(), "output " + i);
            assertArrayEquals(ref.toDoubles(a.get(i)), ref.toDoubles(b.get(i)), 0.0, "output " + i);
        }
    }

    @Test
    void twoIndependentProductsOfTheSameDataBecomeOneAndAReaderOfTheFirstWaitsForIt() {
        // x (6×4), w (4×3), a (4×2): z = x·w; e = exp(z) read before the second product; v = x·a
        KernelGraph g = new KernelGraph(List.of(sig(6, 4), sig(4, 3), sig(4, 2)), List.of(
                matmul(0, 1, false, false, sig(6, 3)),        // 3
                unary(UnaryKernel.EXP, 3, sig(6, 3)),          // 4 reads the first product
                matmul(0, 2, false, false, sig(6, 2)),        // 5
                unary(UnaryKernel.NEG, 5, sig(6, 2))),        // 6
                new int[] {4, 6, 3});
        KernelGraph m = GraphPasses.withMergedProducts(g);
        assertEquals(1, products(m));
        assertEquals(List.of(Kernel.CONCAT, Kernel.MATMUL, Kernel.SLICE, Kernel.SLICE, Kernel.UNARY, Kernel.UNARY),
                m.calls().stream().map(Call::kernel).toList());
        assertEquals(Shape.of(6, 5), m.calls().get(1).result().shape());
        assertSameValues(g, m, 1);
    }

    @Test
    void onlyProductsOfALargeEnoughLeftOperandAndEnoughColumnsAreMergedWhenAskedSo() {
        KernelGraph g = new KernelGraph(List.of(sig(6, 4), sig(4, 3), sig(4, 2)), List.of(
                matmul(0, 1, false, false, sig(6, 3)),
                matmul(0, 2, false, false, sig(6, 2))),
                new int[] {3, 4});
        assertSame(g, GraphPasses.withMergedProducts(g, 25, 1), "a 6×4 left operand has 24 elements");
        assertEquals(1, products(GraphPasses.withMergedProducts(g, 24, 1)));
        assertEquals(1, products(GraphPasses.withMergedProducts(g)));
        assertSame(g, GraphPasses.withMergedProducts(g, 0, 3), "the second product has two columns");
        assertEquals(1, products(GraphPasses.withMergedProducts(g, 0, 2)));
    }

    @Test
    void transposedOperandsAreJoinedAlongTheRightAxis() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Signature x = ta ? sig(4, 6) : sig(6, 4);
                Signature b1 = tb ? sig(3, 4) : sig(4, 3);
                Signature b2 = tb ? sig(1, 4) : sig(4, 1);
                KernelGraph g = new KernelGraph(List.of(x, b1, b2), List.of(
                        matmul(0, 1, ta, tb, sig(6, 3)),
                        matmul(0, 2, ta, tb, sig(6, 1))),
                        new int[] {3, 4});
                KernelGraph m = GraphPasses.withMergedProducts(g);
                assertEquals(1, products(m), "ta " + ta + " tb " + tb);
                assertSameValues(g, m, 2);
            }
        }
    }

    @Test
    void productsThatNeedEachOtherOrDifferInTheirLeftOperandOrTranspositionStaySeparate() {
        KernelGraph chained = new KernelGraph(List.of(sig(4, 4), sig(4, 2)), List.of(
                matmul(0, 1, false, false, sig(4, 2)),
                unary(UnaryKernel.TANH, 2, sig(4, 2)),
                matmul(0, 3, false, false, sig(4, 2))),
                new int[] {4});
        assertSame(chained, GraphPasses.withMergedProducts(chained));
        KernelGraph different = new KernelGraph(List.of(sig(4, 4), sig(4, 4), sig(4, 2)), List.of(
                matmul(0, 2, false, false, sig(4, 2)),
                matmul(1, 2, false, false, sig(4, 2)),
                matmul(0, 2, true, false, sig(4, 2))),
                new int[] {3, 4, 5});
        assertSame(different, GraphPasses.withMergedProducts(different));
    }

    @Test
    void eachProductJoinsOnePairAtMost() {
        List<Call> calls = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            calls.add(matmul(0, i, false, false, sig(3, 2)));
        }
        List<Signature> in = new ArrayList<>(List.of(sig(3, 4)));
        for (int i = 0; i < 5; i++) {
            in.add(sig(4, 2));
        }
        KernelGraph g = new KernelGraph(in, calls, new int[] {6, 7, 8, 9, 10});
        KernelGraph m = GraphPasses.withMergedProducts(g);
        assertEquals(3, products(m), "two pairs and one product alone");
        assertTrue(m.calls().stream().filter(c -> c.kernel() == Kernel.MATMUL)
                .allMatch(c -> c.result().shape().dim(1) <= 4), "no product wider than two");
        assertSameValues(g, m, 3);
    }

    @Test
    void pairsThatWouldWaitOnEachOtherAreUndone() {
        // p1 = x·a and q1 = y·b; p2 = x·f(q1) and q2 = y·f(p1). Merging both pairs would make each merged product wait
        // on the other; one pair must be given up.
        KernelGraph g = new KernelGraph(List.of(sig(3, 3), sig(3, 3), sig(3, 3), sig(3, 3)), List.of(
                matmul(0, 2, false, false, sig(3, 3)),     // 4 p1
                matmul(1, 3, false, false, sig(3, 3)),     // 5 q1
                unary(UnaryKernel.TANH, 5, sig(3, 3)),      // 6
                unary(UnaryKernel.TANH, 4, sig(3, 3)),      // 7
                matmul(0, 6, false, false, sig(3, 3)),     // 8 p2 needs q1
                matmul(1, 7, false, false, sig(3, 3))),    // 9 q2 needs p1
                new int[] {8, 9});
        KernelGraph m = GraphPasses.withMergedProducts(g);
        assertEquals(3, products(m), "one of the two pairs merged");
        assertSameValues(g, m, 4);
    }

    @Test
    void aValueGivenTwiceToItsLastReaderIsFreedOnce() {
        // y = exp(x); z = y·y (y's last use, given twice): evaluation frees y once and gives exp(x)²
        KernelGraph g = new KernelGraph(List.of(sig(2, 2)), List.of(
                unary(UnaryKernel.EXP, 0, sig(2, 2)),
                binary(BinaryKernel.MUL, 1, 1, sig(2, 2))),
                new int[] {2});
        NdArray x = ref.fromDoubles(new double[] {0, 1, -1, 0.5}, Shape.of(2, 2), DType.FLOAT64);
        double[] z = ref.toDoubles(g.evaluate(ref, List.of(x)).get(0));
        assertArrayEquals(new double[] {1, Math.exp(2), Math.exp(-2), Math.exp(1)}, z, 1e-12);
    }

    @Test
    void randomGraphsKeepTheirValues() {
        Random rng = new Random(11);
        int merged = 0;
        for (int trial = 0; trial < 300; trial++) {
            int rows = 1 + rng.nextInt(4);
            int inner = 1 + rng.nextInt(4);
            // inputs: two data matrices (rows × inner) and three right operands (inner × k)
            List<Signature> in = new ArrayList<>(List.of(sig(rows, inner), sig(rows, inner)));
            List<Signature> nodes = new ArrayList<>(in);
            List<Integer> rights = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Signature s = sig(inner, 1 + rng.nextInt(3));
                in.add(s);
                nodes.add(s);
                rights.add(nodes.size() - 1);
            }
            List<Call> calls = new ArrayList<>();
            int count = 4 + rng.nextInt(14);
            for (int c = 0; c < count; c++) {
                Call call;
                int pick = rng.nextInt(4);
                if (pick <= 1) {
                    int b = rights.get(rng.nextInt(rights.size()));
                    Signature r = sig(rows, nodes.get(b).shape().dim(1));
                    call = matmul(rng.nextInt(2), b, false, false, r);
                } else if (pick == 2) {
                    // a new right operand made from a product: tanh(xᵀ·p), inner × k
                    List<Integer> prods = new ArrayList<>();
                    for (int n = in.size(); n < nodes.size(); n++) {
                        if (nodes.get(n).shape().dim(0) == rows && nodes.get(n).shape().rank() == 2
                                && calls.get(n - in.size()).kernel() == Kernel.MATMUL
                                && !((KernelAttributes.Matmul) calls.get(n - in.size()).attributes()).transposeA()) {
                            prods.add(n);
                        }
                    }
                    if (prods.isEmpty()) {
                        continue;
                    }
                    int p = prods.get(rng.nextInt(prods.size()));
                    call = matmul(rng.nextInt(2), p, true, false, sig(inner, nodes.get(p).shape().dim(1)));
                    calls.add(call);
                    nodes.add(call.result());
                    call = unary(UnaryKernel.TANH, nodes.size() - 1, call.result());
                    calls.add(call);
                    nodes.add(call.result());
                    rights.add(nodes.size() - 1);
                    continue;
                } else {
                    int a = in.size() + rng.nextInt(Math.max(1, nodes.size() - in.size()));
                    if (a >= nodes.size()) {
                        continue;
                    }
                    call = unary(UnaryKernel.EXP, a, nodes.get(a));
                    if (rng.nextBoolean()) {
                        call = binary(BinaryKernel.MUL, a, a, nodes.get(a));
                    }
                }
                calls.add(call);
                nodes.add(call.result());
            }
            if (calls.isEmpty()) {
                continue;
            }
            int total = in.size() + calls.size();
            int[] outs = rng.ints(1 + rng.nextInt(3), in.size(), total).toArray();
            KernelGraph g = new KernelGraph(in, calls, outs);
            KernelGraph m = GraphPasses.withMergedProducts(g);
            assertTrue(products(m) <= products(g), "trial " + trial);
            merged += products(m) < products(g) ? 1 : 0;
            assertSameValues(g, m, trial);
        }
        assertTrue(merged > 50, "the random graphs exercise merging: " + merged + " of 300");
    }
}
