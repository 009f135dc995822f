package io.github.bilevel.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Naive.Reduction;
import io.github.bilevel.core.autodiff.TensorArbitraries.Domain;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Result shapes and values of sum, mean and max over random axes, against NumPy's rules and
 * the {@link Naive} oracle.
 */
class ReductionPropertiesTest {
    private static final double ATOL = 1e-12;
    private static final double RTOL = 1e-12;

    private final Engine e = new Engine(new ReferenceBackend(), DType.FLOAT64);

    /** A tensor and the axes to reduce it over. */
    record ReductionCase(int[] dims, int[] axes, boolean keepDims, double[] x) {
        @Override
        public String toString() {
            return Arrays.toString(dims) + " axes=" + Arrays.toString(axes) + " keepDims=" + keepDims + " x="
                    + Arrays.toString(x);
        }
    }

    @Provide
    Arbitrary<ReductionCase> axesCases() {
        return TensorArbitraries.shapes().flatMap(dims -> Combinators.combine(
                TensorArbitraries.axesOf(dims.length), Arbitraries.of(true, false), Domain.ANY.values(dims))
                .as((axes, keep, x) -> new ReductionCase(dims, axes, keep, x)));
    }

    @Provide
    Arbitrary<ReductionCase> oneAxisCases() {
        return TensorArbitraries.shapesOfRankAtLeast(1).flatMap(dims -> Combinators.combine(
                TensorArbitraries.axisOf(dims.length), Arbitraries.of(true, false), Domain.ANY.values(dims))
                .as((axis, keep, x) -> new ReductionCase(dims, new int[] {axis}, keep, x)));
    }

    /** Valid distinct axes plus one out-of-range axis at a random position. */
    @Provide
    Arbitrary<ReductionCase> outOfRangeCases() {
        return TensorArbitraries.shapes().flatMap(dims -> Combinators.combine(
                TensorArbitraries.axesOf(dims.length), TensorArbitraries.axisOutside(dims.length),
                Arbitraries.integers().between(0, dims.length), Arbitraries.of(true, false))
                .as((axes, bad, at, keep) -> {
                    int pos = Math.min(at, axes.length);
                    int[] withBad = new int[axes.length + 1];
                    System.arraycopy(axes, 0, withBad, 0, pos);
                    withBad[pos] = bad;
                    System.arraycopy(axes, pos, withBad, pos + 1, axes.length - pos);
                    return new ReductionCase(dims, withBad, keep, new double[Naive.size(dims)]);
                }));
    }

    /** One axis named twice, once possibly as its negative alias. */
    @Provide
    Arbitrary<ReductionCase> repeatedAxisCases() {
        return TensorArbitraries.shapesOfRankAtLeast(1).flatMap(dims -> Combinators.combine(
                TensorArbitraries.axisOf(dims.length), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((axis, alias, keep) -> {
                    int other = alias ? (axis < 0 ? axis + dims.length : axis - dims.length) : axis;
                    return new ReductionCase(dims, new int[] {axis, other}, keep, new double[Naive.size(dims)]);
                }));
    }

    @Property(tries = 200, seed = "20250201")
    void sumAndMeanOverAxesFollowNumPy(@ForAll("axesCases") ReductionCase c) {
        try (Scope s = e.scope()) {
            Tensor x = e.constant(c.x(), Shape.of(c.dims()));
            Shape expected = Shape.of(Naive.reducedShape(c.dims(), c.keepDims(), c.axes()));
            Tensor sum = e.sum(x, c.axes(), c.keepDims());
            assertEquals(expected, sum.shape(), "sum shape");
            Naive.assertClose("sum", sum.toDoubleArray(), Naive.reduce(Reduction.SUM, c.x(), c.dims(), c.axes()),
                    ATOL, RTOL);
            Tensor mean = e.mean(x, c.axes(), c.keepDims());
            assertEquals(expected, mean.shape(), "mean shape");
            Naive.assertClose("mean", mean.toDoubleArray(), Naive.reduce(Reduction.MEAN, c.x(), c.dims(), c.axes()),
                    ATOL, RTOL);
        }
    }

    @Property(tries = 200, seed = "20250202")
    void maxAlongOneAxisFollowsNumPy(@ForAll("oneAxisCases") ReductionCase c) {
        try (Scope s = e.scope()) {
            Tensor max = e.max(e.constant(c.x(), Shape.of(c.dims())), c.axes()[0], c.keepDims());
            assertEquals(Shape.of(Naive.reducedShape(c.dims(), c.keepDims(), c.axes())), max.shape(), "max shape");
            Naive.assertClose("max", max.toDoubleArray(), Naive.reduce(Reduction.MAX, c.x(), c.dims(), c.axes()), 0, 0);
        }
    }

    @Property(tries = 100, seed = "20250203")
    void sumAndMeanOfAllElementsAreScalars(@ForAll("axesCases") ReductionCase c) {
        int[] all = new int[c.dims().length];
        Arrays.setAll(all, i -> i);
        try (Scope s = e.scope()) {
            Tensor x = e.constant(c.x(), Shape.of(c.dims()));
            Tensor sum = e.sum(x);
            Tensor mean = e.mean(x);
            assertEquals(Shape.scalar(), sum.shape(), "sum shape");
            assertEquals(Shape.scalar(), mean.shape(), "mean shape");
            Naive.assertClose("sum", sum.toDoubleArray(), Naive.reduce(Reduction.SUM, c.x(), c.dims(), all),
                    ATOL, RTOL);
            Naive.assertClose("mean", mean.toDoubleArray(), Naive.reduce(Reduction.MEAN, c.x(), c.dims(), all),
                    ATOL, RTOL);
        }
    }

    @Property(tries = 200, seed = "20250204")
    void outOfRangeAxesAreRejected(@ForAll("outOfRangeCases") ReductionCase c) {
        int bad = Arrays.stream(c.axes()).filter(a -> a >= c.dims().length || a < -c.dims().length).findFirst()
                .orElseThrow();
        try (Scope s = e.scope()) {
            Tensor x = e.constant(c.x(), Shape.of(c.dims()));
            assertNamesShape(c, assertThrows(IllegalArgumentException.class, () -> e.sum(x, c.axes(), c.keepDims())));
            assertNamesShape(c, assertThrows(IllegalArgumentException.class, () -> e.mean(x, c.axes(), c.keepDims())));
            assertNamesShape(c, assertThrows(IllegalArgumentException.class, () -> e.max(x, bad, c.keepDims())));
        }
    }

    @Property(tries = 100, seed = "20250205")
    void repeatedAxesAreRejected(@ForAll("repeatedAxisCases") ReductionCase c) {
        try (Scope s = e.scope()) {
            Tensor x = e.constant(c.x(), Shape.of(c.dims()));
            assertThrows(IllegalArgumentException.class, () -> e.sum(x, c.axes(), c.keepDims()));
            assertThrows(IllegalArgumentException.class, () -> e.mean(x, c.axes(), c.keepDims()));
        }
    }

    private static void assertNamesShape(ReductionCase c, IllegalArgumentException ex) {
        assertTrue(ex.getMessage().contains(Arrays.toString(c.dims())),
                "message should name the shape " + Arrays.toString(c.dims()) + ": " + ex.getMessage());
    }
}
