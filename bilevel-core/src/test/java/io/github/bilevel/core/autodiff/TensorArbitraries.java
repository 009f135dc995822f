package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/** Generators of shapes, axes and values for the property tests of the engine. */
final class TensorArbitraries {
    static final int MAX_RANK = 4;
    static final int MAX_DIM = 5;

    private TensorArbitraries() {
    }

    /** Integers uniformly distributed in {@code [min, max]}. */
    static Arbitrary<Integer> ints(int min, int max) {
        return Arbitraries.integers().between(min, max).withDistribution(RandomDistribution.uniform());
    }

    /** Doubles with six decimals uniformly distributed in {@code [min, max]}. */
    static Arbitrary<Double> doubles(double min, double max) {
        return Arbitraries.doubles().between(min, max).ofScale(6).withDistribution(RandomDistribution.uniform());
    }

    /** Where the values of an operand come from; chosen so that every operation and its derivative is smooth there. */
    enum Domain {
        /** Uniform in [-2, 2]. */
        ANY,
        /** Uniform in [0.5, 2]: bases of pow. */
        POSITIVE,
        /** |v| in [0.5, 2]: divisors. */
        NONZERO,
        /** Integers -2..2, so that comparisons see ties. */
        SMALL_INT;

        Arbitrary<Double> element() {
            return switch (this) {
                case ANY -> doubles(-2, 2);
                case POSITIVE -> doubles(0.5, 2);
                case NONZERO -> Arbitraries.oneOf(doubles(-2, -0.5), doubles(0.5, 2));
                case SMALL_INT -> ints(-2, 2).map(Integer::doubleValue);
            };
        }

        Arbitrary<double[]> values(int[] dims) {
            return element().array(double[].class).ofSize(Naive.size(dims));
        }
    }

    /** The binary elementwise operations of {@code Ops}, with an independent float64 definition of each. */
    enum Binary {
        ADD(Domain.ANY, Domain.ANY, true, Double::sum),
        SUB(Domain.ANY, Domain.ANY, true, (a, b) -> a - b),
        MUL(Domain.ANY, Domain.ANY, true, (a, b) -> a * b),
        DIV(Domain.ANY, Domain.NONZERO, true, (a, b) -> a / b),
        POW(Domain.POSITIVE, Domain.ANY, true, Math::pow),
        GREATER(Domain.SMALL_INT, Domain.SMALL_INT, false, (a, b) -> a > b ? 1.0 : 0.0),
        EQUAL(Domain.SMALL_INT, Domain.SMALL_INT, false, (a, b) -> a == b ? 1.0 : 0.0);

        final Domain left;
        final Domain right;
        final boolean differentiable;
        final DoubleBinaryOperator naive;

        Binary(Domain left, Domain right, boolean differentiable, DoubleBinaryOperator naive) {
            this.left = left;
            this.right = right;
            this.differentiable = differentiable;
            this.naive = naive;
        }

        Tensor apply(Ops o, Tensor a, Tensor b) {
            return switch (this) {
                case ADD -> o.add(a, b);
                case SUB -> o.sub(a, b);
                case MUL -> o.mul(a, b);
                case DIV -> o.div(a, b);
                case POW -> o.pow(a, b);
                case GREATER -> o.greater(a, b);
                case EQUAL -> o.equal(a, b);
            };
        }
    }

    /** Two operands of a binary operation, with their values. */
    record BinaryCase(Binary op, int[] a, int[] b, double[] x, double[] y) {
        @Override
        public String toString() {
            return op + " " + Arrays.toString(a) + " " + Arrays.toString(b) + " x=" + Arrays.toString(x)
                    + " y=" + Arrays.toString(y);
        }
    }

    /** Shapes of rank 0–4 with axis sizes 1–5. */
    static Arbitrary<int[]> shapes() {
        return shapesOfRankAtLeast(0);
    }

    static Arbitrary<int[]> shapesOfRankAtLeast(int minRank) {
        return ints(1, MAX_DIM).array(int[].class).ofMinSize(minRank).ofMaxSize(MAX_RANK);
    }

    /**
     * {@code n} shapes that broadcast together: each keeps the trailing axes of one full shape (all of them half the
     * time) and sets about a third of those to 1.
     */
    static Arbitrary<List<int[]>> broadcastable(int n) {
        return shapes().flatMap(full -> operandOf(full, 0).list().ofSize(n));
    }

    /** A shape that broadcasts to {@code full} and has at least {@code minRank} axes. */
    private static Arbitrary<int[]> operandOf(int[] full, int minRank) {
        Arbitrary<Integer> dropped = Arbitraries.oneOf(Arbitraries.just(0), ints(0, MAX_RANK));
        Arbitrary<int[]> ones = ints(0, 2).array(int[].class).ofSize(full.length);
        return Combinators.combine(dropped, ones).as((drop, o) -> {
            int r = Math.max(minRank, full.length - Math.min(drop, full.length));
            int[] dims = new int[r];
            for (int i = 0; i < r; i++) {
                int axis = full.length - r + i;
                dims[i] = o[axis] == 0 ? 1 : full[axis];
            }
            return dims;
        });
    }

    /**
     * Two shapes that do not broadcast: built like {@link #broadcastable}, then one aligned axis is given two different
     * sizes, both above 1.
     */
    static Arbitrary<List<int[]>> incompatiblePair() {
        return shapesOfRankAtLeast(1).flatMap(full -> {
            Arbitrary<Integer> fromEnd = ints(0, full.length - 1);
            return fromEnd.flatMap(k -> Combinators.combine(
                    operandOf(full, k + 1), operandOf(full, k + 1),
                    ints(2, MAX_DIM), ints(1, MAX_DIM - 2))
                    .as((a0, b0, p, d) -> {
                        int[] a = a0.clone();
                        int[] b = b0.clone();
                        a[a.length - 1 - k] = p;
                        // a shift of 1..3 within the sizes 2..5 gives a different size above 1
                        b[b.length - 1 - k] = 2 + (p - 2 + d) % (MAX_DIM - 1);
                        return List.of(a, b);
                    }));
        });
    }

    static Arbitrary<BinaryCase> binaryCases(Arbitrary<Binary> ops) {
        return ops.flatMap(op -> broadcastable(2).flatMap(s -> Combinators.combine(
                op.left.values(s.get(0)), op.right.values(s.get(1)))
                .as((x, y) -> new BinaryCase(op, s.get(0), s.get(1), x, y))));
    }

    /**
     * A set of distinct axes of a rank-{@code rank} shape in random order: each axis is in it with probability 1/2,
     * written as {@code a} or {@code a - rank} at random (NumPy accepts both).
     */
    static Arbitrary<int[]> axesOf(int rank) {
        return ints(0, 3).array(int[].class).ofSize(rank).flatMap(code -> {
            List<Integer> axes = new ArrayList<>();
            for (int a = 0; a < rank; a++) {
                if (code[a] == 2) {
                    axes.add(a);
                } else if (code[a] == 3) {
                    axes.add(a - rank);
                }
            }
            return Arbitraries.shuffle(axes).map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        });
    }

    /** One axis of a rank-{@code rank} shape (rank at least 1), possibly negative. */
    static Arbitrary<Integer> axisOf(int rank) {
        return ints(-rank, rank - 1);
    }

    /** An axis outside {@code [-rank, rank)}. */
    static Arbitrary<Integer> axisOutside(int rank) {
        return Arbitraries.oneOf(ints(rank, rank + 3), ints(-rank - 4, -rank - 1));
    }

    /** Values that differ pairwise by at least 0.1, so that a maximum stays the unique one under small steps. */
    static Arbitrary<double[]> distinctValues(int[] dims) {
        int n = Naive.size(dims);
        List<Integer> ranks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ranks.add(i);
        }
        return Arbitraries.shuffle(ranks).map(p -> p.stream().mapToDouble(i -> 0.1 * i - 0.05 * n).toArray());
    }
}
