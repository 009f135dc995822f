package io.github.bilevel.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.TensorArbitraries.Binary;
import io.github.bilevel.core.autodiff.TensorArbitraries.BinaryCase;
import io.github.bilevel.core.autodiff.TensorArbitraries.Domain;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** NumPy broadcasting of the elementwise operations on random shapes, checked against the {@link Naive} oracle. */
class BroadcastingPropertiesTest {
    private final Engine e = new Engine(new ReferenceBackend(), DType.FLOAT64);

    /** Three operands that broadcast together, and their values: the condition (non-zero picks a), a and b. */
    record WhereCase(List<int[]> shapes, double[] c, double[] x, double[] y) {
        @Override
        public String toString() {
            return shapes.stream().map(Arrays::toString).toList() + " c=" + Arrays.toString(c) + " x="
                    + Arrays.toString(x) + " y=" + Arrays.toString(y);
        }
    }

    @Provide
    Arbitrary<BinaryCase> binaryCases() {
        return TensorArbitraries.binaryCases(Arbitraries.of(Binary.class));
    }

    @Provide
    Arbitrary<WhereCase> whereCases() {
        return TensorArbitraries.broadcastable(3).flatMap(s -> Combinators.combine(
                Domain.SMALL_INT.values(s.get(0)), Domain.ANY.values(s.get(1)), Domain.ANY.values(s.get(2)))
                .as((c, x, y) -> new WhereCase(s, c, x, y)));
    }

    @Provide
    Arbitrary<List<int[]>> incompatiblePairs() {
        return TensorArbitraries.incompatiblePair();
    }

    /** A tensor x of shape {@code in}, and y of a shape {@code out} that {@code in} broadcasts to. */
    record BroadcastCase(int[] in, int[] out, double[] x, double[] y) {
        @Override
        public String toString() {
            return Arrays.toString(in) + " -> " + Arrays.toString(out) + " x=" + Arrays.toString(x) + " y="
                    + Arrays.toString(y);
        }
    }

    @Provide
    Arbitrary<BroadcastCase> broadcastCases() {
        return TensorArbitraries.broadcastable(2).flatMap(s -> {
            int[] out = Naive.broadcastShape(s.get(0), s.get(1));
            return Combinators.combine(Domain.ANY.values(s.get(0)), Domain.ANY.values(out))
                    .as((x, y) -> new BroadcastCase(s.get(0), out, x, y));
        });
    }

    @Property(tries = 200, seed = "20250101")
    void binaryOperationsBroadcastLikeNumPy(@ForAll("binaryCases") BinaryCase c) {
        try (Scope s = e.scope()) {
            Tensor x = e.constant(c.x(), Shape.of(c.a()));
            Tensor y = e.constant(c.y(), Shape.of(c.b()));
            Tensor z = c.op().apply(e, x, y);
            assertEquals(Shape.of(Naive.broadcastShape(c.a(), c.b())), z.shape(), c.op() + " result shape");
            // the oracle does the same float64 operation per element; Math.pow is only specified to within 1 ulp
            Naive.assertClose(c.op() + " values", z.toDoubleArray(),
                    Naive.elementwise(c.op().naive, c.x(), c.a(), c.y(), c.b()), 0, 1e-15);
            // broadcasting is symmetric in the shapes
            assertEquals(z.shape(), c.op().apply(e, y, x).shape(), c.op() + " with operands swapped");
        }
    }

    @Property(tries = 100, seed = "20250102")
    void whereBroadcastsAllThreeOperands(@ForAll("whereCases") WhereCase c) {
        try (Scope s = e.scope()) {
            int[] cs = c.shapes().get(0);
            int[] a = c.shapes().get(1);
            int[] b = c.shapes().get(2);
            Tensor z = e.where(e.constant(c.c(), Shape.of(cs)), e.constant(c.x(), Shape.of(a)),
                    e.constant(c.y(), Shape.of(b)));
            assertEquals(Shape.of(Naive.broadcastShape(cs, a, b)), z.shape(), "where result shape");
            Naive.assertClose("where values", z.toDoubleArray(), Naive.where(c.c(), cs, c.x(), a, c.y(), b), 0, 0);
        }
    }

    @Property(tries = 200, seed = "20250103")
    void incompatibleShapesAreRejectedNamingBoth(@ForAll("incompatiblePairs") List<int[]> shapes,
                                                 @ForAll Binary op) {
        int[] a = shapes.get(0);
        int[] b = shapes.get(1);
        try (Scope s = e.scope()) {
            Tensor x = e.zeros(Shape.of(a), DType.FLOAT64);
            Tensor y = e.zeros(Shape.of(b), DType.FLOAT64);
            assertNamesBoth(a, b, assertThrows(IllegalArgumentException.class, () -> op.apply(e, x, y), op.name()));
            assertNamesBoth(a, b, assertThrows(IllegalArgumentException.class,
                    () -> e.where(e.scalar(1), x, y), "where"));
        }
    }

    private static void assertNamesBoth(int[] a, int[] b, IllegalArgumentException ex) {
        String m = ex.getMessage();
        assertTrue(m.contains(Arrays.toString(a)) && m.contains(Arrays.toString(b)),
                "message should name " + Arrays.toString(a) + " and " + Arrays.toString(b) + ": " + m);
    }

    /**
     * broadcastTo repeats values as NumPy does, and sumToShape is its adjoint (the derivative rules rely on that):
     * ⟨broadcastTo(x), y⟩ = ⟨x, sumToShape(y)⟩.
     */
    @Property(tries = 100, seed = "20250104")
    void broadcastToAndSumToShapeAreAdjoint(@ForAll("broadcastCases") BroadcastCase c) {
        int[] in = c.in();
        int[] out = c.out();
        double[] x = c.x();
        double[] y = c.y();
        try (Scope s = e.scope()) {
            Tensor bx = e.broadcastTo(e.constant(x, Shape.of(in)), Shape.of(out));
            Tensor sy = e.sumToShape(e.constant(y, Shape.of(out)), Shape.of(in));
            assertEquals(Shape.of(out), bx.shape());
            assertEquals(Shape.of(in), sy.shape());
            double[] expected = new double[Naive.size(out)];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Naive.at(x, in, Naive.unravel(i, out));
            }
            Naive.assertClose("broadcastTo values", bx.toDoubleArray(), expected, 0, 0);
            double lhs = dot(bx.toDoubleArray(), y);
            double rhs = dot(x, sy.toDoubleArray());
            assertEquals(lhs, rhs, 1e-12 * (1 + Math.abs(lhs)), "adjoint identity");
        }
    }

    private static double dot(double[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * v[i];
        }
        return s;
    }
}
