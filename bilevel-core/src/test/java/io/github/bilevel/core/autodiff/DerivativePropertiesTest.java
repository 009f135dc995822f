package io.github.bilevel.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Naive.Reduction;
import io.github.bilevel.core.autodiff.TensorArbitraries.Binary;
import io.github.bilevel.core.autodiff.TensorArbitraries.BinaryCase;
import io.github.bilevel.core.autodiff.TensorArbitraries.Domain;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Derivative rules on random shapes: the engine's gradient of {@code sum(op(inputs) · r)}, for a random weight
 * {@code r} of the result's shape, against central finite differences in float64. The weight makes every element of
 * the result count differently, so a gradient routed to the wrong element or summed over the wrong axes fails.
 */
class DerivativePropertiesTest {
    private static final double STEP = 1e-3;
    // The stencil's truncation error is about h⁴/30 times the fifth derivative (up to about 1e5 for pow near
    // a = 0.5), its rounding error about 1e-16·|f|/h with |f| a sum of up to 625 terms: both stay below 1e-8.
    private static final double ATOL = 1e-8;
    private static final double RTOL = 1e-7;

    private final Engine e = new Engine(new ReferenceBackend(), DType.FLOAT64);

    /** A binary case and the weight {@code r}, shaped like the broadcast result. */
    record BinaryGradCase(BinaryCase c, double[] r) {
        @Override
        public String toString() {
            return c + " r=" + Arrays.toString(r);
        }
    }

    record WhereGradCase(List<int[]> shapes, double[] c, double[] x, double[] y, double[] r) {
        @Override
        public String toString() {
            return shapes.stream().map(Arrays::toString).toList() + " c=" + Arrays.toString(c) + " x="
                    + Arrays.toString(x) + " y=" + Arrays.toString(y) + " r=" + Arrays.toString(r);
        }
    }

    record ReductionGradCase(Reduction kind, int[] dims, int[] axes, boolean keepDims, double[] x, double[] r) {
        @Override
        public String toString() {
            return kind + " " + Arrays.toString(dims) + " axes=" + Arrays.toString(axes) + " keepDims=" + keepDims
                    + " x=" + Arrays.toString(x) + " r=" + Arrays.toString(r);
        }
    }

    @Provide
    Arbitrary<BinaryGradCase> binaryCases() {
        return TensorArbitraries.binaryCases(Arbitraries.of(Binary.class)).flatMap(c ->
                Domain.ANY.values(Naive.broadcastShape(c.a(), c.b())).map(r -> new BinaryGradCase(c, r)));
    }

    @Provide
    Arbitrary<WhereGradCase> whereCases() {
        return TensorArbitraries.broadcastable(3).flatMap(s -> Combinators.combine(
                Domain.SMALL_INT.values(s.get(0)), Domain.ANY.values(s.get(1)), Domain.ANY.values(s.get(2)),
                Domain.ANY.values(Naive.broadcastShape(s.get(0), s.get(1), s.get(2))))
                .as((c, x, y, r) -> new WhereGradCase(s, c, x, y, r)));
    }

    @Provide
    Arbitrary<ReductionGradCase> sumAndMeanCases() {
        return Arbitraries.of(Reduction.SUM, Reduction.MEAN).flatMap(kind -> TensorArbitraries.shapes().flatMap(dims ->
                Combinators.combine(TensorArbitraries.axesOf(dims.length), Arbitraries.of(true, false))
                        .flatAs((axes, keep) -> Combinators.combine(Domain.ANY.values(dims),
                                Domain.ANY.values(Naive.reducedShape(dims, keep, axes)))
                                .as((x, r) -> new ReductionGradCase(kind, dims, axes, keep, x, r)))));
    }

    /** Max along one axis of pairwise distinct values, so that the maximum is unique and stays so under the steps. */
    @Provide
    Arbitrary<ReductionGradCase> maxCases() {
        return maxCases(TensorArbitraries::distinctValues);
    }

    /** Max along one axis of small integers, so that maxima tie. */
    @Provide
    Arbitrary<ReductionGradCase> maxTieCases() {
        return maxCases(Domain.SMALL_INT::values);
    }

    private static Arbitrary<ReductionGradCase> maxCases(Function<int[], Arbitrary<double[]>> values) {
        return TensorArbitraries.shapesOfRankAtLeast(1).flatMap(dims ->
                Combinators.combine(TensorArbitraries.axisOf(dims.length), Arbitraries.of(true, false))
                        .flatAs((axis, keep) -> Combinators.combine(values.apply(dims),
                                Domain.ANY.values(Naive.reducedShape(dims, keep, axis)))
                                .as((x, r) -> new ReductionGradCase(Reduction.MAX, dims, new int[] {axis}, keep, x,
                                        r))));
    }

    @Property(tries = 150, seed = "20250301")
    void binaryOperationGradientsMatchFiniteDifferences(@ForAll("binaryCases") BinaryGradCase g) {
        BinaryCase c = g.c();
        Function<List<Tensor>, Tensor> op = in -> c.op().apply(e, in.get(0), in.get(1));
        List<double[]> at = List.of(c.x(), c.y());
        List<int[]> shapes = List.of(c.a(), c.b());
        if (c.op().differentiable) {
            checkGradient(c.op().name(), op, shapes, at, g.r());
        } else {
            // comparisons are piecewise constant: their derivative is zero wherever it exists
            List<double[]> grads = engineGradient(op, shapes, at, g.r());
            Naive.assertClose(c.op() + " d/da", grads.get(0), new double[c.x().length], 0, 0);
            Naive.assertClose(c.op() + " d/db", grads.get(1), new double[c.y().length], 0, 0);
        }
    }

    @Property(tries = 100, seed = "20250302")
    void whereGradientsFlowToTheChosenOperand(@ForAll("whereCases") WhereGradCase g) {
        int[] cs = g.shapes().get(0);
        Function<List<Tensor>, Tensor> op = in -> e.where(e.constant(g.c(), Shape.of(cs)), in.get(0), in.get(1));
        checkGradient("where", op, g.shapes().subList(1, 3), List.of(g.x(), g.y()), g.r());
        // the condition is an input too, but no derivative reaches it
        List<double[]> withCondition = engineGradient(in -> e.where(in.get(0), in.get(1), in.get(2)), g.shapes(),
                List.of(g.c(), g.x(), g.y()), g.r());
        Naive.assertClose("where d/dcondition", withCondition.get(0), new double[g.c().length], 0, 0);
    }

    @Property(tries = 150, seed = "20250303")
    void sumAndMeanGradientsMatchFiniteDifferences(@ForAll("sumAndMeanCases") ReductionGradCase g) {
        Function<List<Tensor>, Tensor> op = in -> g.kind() == Reduction.SUM
                ? e.sum(in.get(0), g.axes(), g.keepDims())
                : e.mean(in.get(0), g.axes(), g.keepDims());
        checkGradient(g.kind().name(), op, List.of(g.dims()), List.of(g.x()), g.r());
    }

    @Property(tries = 150, seed = "20250304")
    void maxGradientMatchesFiniteDifferences(@ForAll("maxCases") ReductionGradCase g) {
        checkGradient("max", in -> e.max(in.get(0), g.axes()[0], g.keepDims()), List.of(g.dims()), List.of(g.x()),
                g.r());
    }

    /** Where maxima tie the derivative is not defined; Ops documents that it is shared equally among them. */
    @Property(tries = 100, seed = "20250305")
    void tiedMaximaShareTheGradientEqually(@ForAll("maxTieCases") ReductionGradCase g) {
        int[] dims = g.dims();
        int axis = g.axes()[0] < 0 ? g.axes()[0] + dims.length : g.axes()[0];
        List<double[]> grads = engineGradient(in -> e.max(in.get(0), g.axes()[0], g.keepDims()),
                List.of(dims), List.of(g.x()), g.r());
        double[] max = Naive.reduce(Reduction.MAX, g.x(), dims, axis);
        int[] kept = Naive.reducedShape(dims, true, axis);
        double[] count = new double[max.length];
        for (int f = 0; f < g.x().length; f++) {
            int o = keptIndex(f, dims, kept);
            count[o] += g.x()[f] == max[o] ? 1 : 0;
        }
        double[] expected = new double[g.x().length];
        for (int f = 0; f < expected.length; f++) {
            int o = keptIndex(f, dims, kept);
            expected[f] = g.x()[f] == max[o] ? g.r()[o] / count[o] : 0;
        }
        Naive.assertClose("max d/dx with ties", grads.get(0), expected, 1e-15, 1e-15);
    }

    /** The flat index in the kept-dims result of the input element at flat index {@code f}. */
    private static int keptIndex(int f, int[] dims, int[] kept) {
        int[] idx = Naive.unravel(f, dims);
        for (int i = 0; i < idx.length; i++) {
            if (kept[i] == 1) {
                idx[i] = 0;
            }
        }
        return Naive.ravel(idx, kept);
    }

    /**
     * Checks the engine's gradient of {@code sum(op(inputs) · r)} with respect to every input: it must have the
     * input's shape (a broadcast input gets its gradient summed back) and match central differences of the same
     * function.
     */
    private void checkGradient(String what, Function<List<Tensor>, Tensor> op, List<int[]> shapes, List<double[]> at,
                               double[] r) {
        List<double[]> grads = engineGradient(op, shapes, at, r);
        for (int i = 0; i < at.size(); i++) {
            final int k = i;
            double[] fd = Naive.centralGradient(v -> {
                List<double[]> moved = new ArrayList<>(at);
                moved.set(k, v);
                return evaluate(op, shapes, moved, r);
            }, at.get(i), STEP);
            Naive.assertClose(what + " d/d(input " + i + ")", grads.get(i), fd, ATOL, RTOL);
        }
    }

    /** The engine's gradient of {@code sum(op(inputs) · r)}, each checked to have its input's shape. */
    private List<double[]> engineGradient(Function<List<Tensor>, Tensor> op, List<int[]> shapes, List<double[]> at,
                                          double[] r) {
        try (Scope s = e.scope()) {
            List<Tensor> in = constants(shapes, at);
            Tensor y = op.apply(in);
            Tensor f = e.sum(e.mul(y, e.constant(r, y.shape())));
            List<Tensor> grads = e.grad(f, in, false);
            return IntStream.range(0, in.size()).mapToObj(i -> {
                assertEquals(Shape.of(shapes.get(i)), grads.get(i).shape(), "gradient shape of input " + i);
                return grads.get(i).toDoubleArray();
            }).toList();
        }
    }

    private double evaluate(Function<List<Tensor>, Tensor> op, List<int[]> shapes, List<double[]> at, double[] r) {
        try (Scope s = e.scope()) {
            Tensor y = op.apply(constants(shapes, at));
            return e.sum(e.mul(y, e.constant(r, y.shape()))).item();
        }
    }

    private List<Tensor> constants(List<int[]> shapes, List<double[]> values) {
        return IntStream.range(0, shapes.size())
                .mapToObj(i -> e.constant(values.get(i), Shape.of(shapes.get(i)))).toList();
    }
}
