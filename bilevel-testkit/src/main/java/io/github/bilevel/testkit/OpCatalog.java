package io.github.bilevel.testkit;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.testkit.OpCase.Inputs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Every operation of {@link Ops}, on several shapes including broadcasting, size-1 axes and scalars. Each kernel of the
 * backend SPI is reached by at least one case (most by several: derivative rules call the adjoint kernels).
 */
public final class OpCatalog {
    private OpCatalog() {
    }

    private static Shape s(int... dims) {
        return Shape.of(dims);
    }

    public static List<OpCase> all() {
        List<OpCase> c = new ArrayList<>();
        List<Shape> unaryShapes = List.of(s(3, 4), s(5), s(), s(1, 1), s(2, 1, 3));
        unary(c, "neg", unaryShapes, Inputs.NORMAL, (o, x) -> o.neg(x));
        unary(c, "square", unaryShapes, Inputs.NORMAL, (o, x) -> o.square(x));
        unary(c, "exp", unaryShapes, Inputs.NORMAL, (o, x) -> o.exp(x));
        unary(c, "log", unaryShapes, Inputs.POSITIVE, (o, x) -> o.log(x));
        unary(c, "sqrt", unaryShapes, Inputs.POSITIVE, (o, x) -> o.sqrt(x));
        unary(c, "tanh", unaryShapes, Inputs.NORMAL, (o, x) -> o.tanh(x));
        unary(c, "sigmoid", unaryShapes, Inputs.NORMAL, (o, x) -> o.sigmoid(x));
        unary(c, "relu", unaryShapes, Inputs.AWAY_FROM_ZERO, (o, x) -> o.relu(x));
        unary(c, "softplus", unaryShapes, Inputs.NORMAL, (o, x) -> o.softplus(x));
        unary(c, "abs", unaryShapes, Inputs.AWAY_FROM_ZERO, (o, x) -> o.abs(x));
        unary(c, "clip", unaryShapes, Inputs.AWAY_FROM_HALF, (o, x) -> o.clip(x, -0.5, 0.5));
        unary(c, "pow-scalar", List.of(s(3, 4), s()), Inputs.POSITIVE, (o, x) -> o.pow(x, 2.5));
        unary(c, "add-scalar", List.of(s(3, 4)), Inputs.NORMAL, (o, x) -> o.mul(o.add(x, 1.5), 0.5));

        List<List<Shape>> pairs = List.of(
                List.of(s(3, 4), s(3, 4)), List.of(s(3, 4), s(4)), List.of(s(3, 1), s(1, 4)),
                List.of(s(2, 3, 4), s(3, 1)), List.of(s(), s(2, 3)), List.of(s(1), s(1)));
        binary(c, "add", pairs, Inputs.NORMAL, Inputs.NORMAL, (o, a, b) -> o.add(a, b));
        binary(c, "sub", pairs, Inputs.NORMAL, Inputs.NORMAL, (o, a, b) -> o.sub(a, b));
        binary(c, "mul", pairs, Inputs.NORMAL, Inputs.NORMAL, (o, a, b) -> o.mul(a, b));
        binary(c, "div", pairs, Inputs.NORMAL, Inputs.POSITIVE, (o, a, b) -> o.div(a, b));
        binary(c, "pow", pairs, Inputs.POSITIVE, Inputs.NORMAL, (o, a, b) -> o.pow(a, b));
        for (List<Shape> p : pairs) {
            c.add(new OpCase("greater", p, List.of(Inputs.DISTINCT, Inputs.DISTINCT),
                    (o, in) -> o.greater(in.get(0), in.get(1)), false));
            c.add(new OpCase("equal", p, List.of(Inputs.NORMAL, Inputs.NORMAL),
                    (o, in) -> o.add(o.equal(in.get(0), in.get(1)), o.equal(in.get(0), in.get(0))), false));
            c.add(new OpCase("where", p, List.of(Inputs.NORMAL, Inputs.NORMAL),
                    (o, in) -> o.where(pattern(o, in.get(0), in.get(1)), o.square(in.get(0)), o.tanh(in.get(1))),
                    true));
        }
        c.add(new OpCase("cast-f32-roundtrip", List.of(s(3, 4)), List.of(Inputs.NORMAL),
                (o, in) -> o.cast(o.cast(in.get(0), DType.FLOAT32), in.get(0).dtype()), false));

        for (List<Shape> p : List.of(List.of(s(3, 4), s(4, 5)), List.of(s(1, 3), s(3, 1)), List.of(s(4, 1), s(1, 2)),
                List.of(s(1, 1), s(1, 1)))) {
            binaryCase(c, "matmul", p, Inputs.NORMAL, Inputs.NORMAL, (o, a, b) -> o.matmul(a, b));
        }
        unary(c, "transpose", List.of(s(3, 4), s(1, 5)), Inputs.NORMAL, (o, x) -> o.transpose(x));
        unary(c, "permute", List.of(s(2, 3, 4)), Inputs.NORMAL, (o, x) -> o.permute(x, 2, 0, 1));
        unary(c, "reshape", List.of(s(2, 6)), Inputs.NORMAL, (o, x) -> o.reshape(x, s(3, 4)));
        unary(c, "reshape-scalar", List.of(s(1, 1)), Inputs.NORMAL, (o, x) -> o.reshape(x, s()));
        unary(c, "broadcastTo", List.of(s(3, 1)), Inputs.NORMAL, (o, x) -> o.broadcastTo(x, s(2, 3, 4)));
        unary(c, "broadcastTo-scalar", List.of(s()), Inputs.NORMAL, (o, x) -> o.broadcastTo(x, s(2, 3)));
        unary(c, "sumToShape", List.of(s(2, 3, 4)), Inputs.NORMAL, (o, x) -> o.sumToShape(x, s(3, 1)));
        binaryCase(c, "concat-axis1", List.of(s(2, 3), s(2, 2)), Inputs.NORMAL, Inputs.NORMAL,
                (o, a, b) -> o.concat(List.of(a, b), 1));
        binaryCase(c, "concat-axis0", List.of(s(1, 3), s(2, 3)), Inputs.NORMAL, Inputs.NORMAL,
                (o, a, b) -> o.concat(List.of(a, b), 0));
        unary(c, "slice", List.of(s(4, 5)), Inputs.NORMAL, (o, x) -> o.slice(x, new int[] {1, 2}, new int[] {2, 3}));
        unary(c, "slice-3d", List.of(s(2, 3, 4)), Inputs.NORMAL,
                (o, x) -> o.slice(x, new int[] {1, 0, 1}, new int[] {1, 3, 2}));
        unary(c, "pad", List.of(s(2, 3)), Inputs.NORMAL, (o, x) -> o.pad(x, new int[] {1, 0}, new int[] {0, 2}));
        unary(c, "gatherRows", List.of(s(4, 3), s(4)), Inputs.NORMAL, (o, x) -> o.gatherRows(x, new int[] {3, 0, 3, 1}));
        unary(c, "scatterAddRows", List.of(s(4, 3), s(4)), Inputs.NORMAL,
                (o, x) -> o.scatterAddRows(x, new int[] {1, 1, 0, 4}, 5));

        unary(c, "sum-all", List.of(s(3, 4), s(), s(5)), Inputs.NORMAL, (o, x) -> o.sum(x));
        unary(c, "sum-axis0", List.of(s(3, 4)), Inputs.NORMAL, (o, x) -> o.sum(x, new int[] {0}, false));
        unary(c, "sum-axes02-keep", List.of(s(2, 3, 4)), Inputs.NORMAL, (o, x) -> o.sum(x, new int[] {0, 2}, true));
        unary(c, "mean-all", List.of(s(3, 4)), Inputs.NORMAL, (o, x) -> o.mean(x));
        unary(c, "mean-axis1", List.of(s(3, 4)), Inputs.NORMAL, (o, x) -> o.mean(x, new int[] {-1}, false));
        unary(c, "max-axis1", List.of(s(3, 5)), Inputs.DISTINCT, (o, x) -> o.max(x, 1, false));
        unary(c, "max-axis0-keep", List.of(s(4, 2), s(1, 3)), Inputs.DISTINCT, (o, x) -> o.max(x, 0, true));

        unary(c, "logSoftmax", List.of(s(4, 5), s(1, 3)), Inputs.NORMAL, (o, x) -> o.logSoftmax(x, 1));
        unary(c, "softmax-axis0", List.of(s(3, 4)), Inputs.NORMAL, (o, x) -> o.softmax(x, 0));
        unary(c, "softmaxCrossEntropy", List.of(s(4, 5)), Inputs.NORMAL,
                (o, x) -> o.softmaxCrossEntropy(x, new int[] {0, 4, 2, 2}));

        conv(c, s(2, 3, 5, 5), s(4, 3, 3, 3), 1, 1);
        conv(c, s(1, 2, 6, 6), s(3, 2, 3, 3), 2, 1);
        conv(c, s(1, 2, 7, 7), s(2, 2, 3, 3), 2, 0);
        conv(c, s(2, 3, 4, 4), s(2, 3, 1, 1), 1, 0);
        unary(c, "maxPool2d", List.of(s(2, 2, 4, 4)), Inputs.DISTINCT, (o, x) -> o.maxPool2d(x, 2));
        unary(c, "avgPool2d", List.of(s(2, 2, 4, 6)), Inputs.NORMAL, (o, x) -> o.avgPool2d(x, 2));
        c.add(new OpCase("batchNorm", List.of(s(4, 3, 2, 2), s(1, 3, 1, 1), s(1, 3, 1, 1)),
                List.of(Inputs.NORMAL, Inputs.POSITIVE, Inputs.NORMAL),
                (o, in) -> o.batchNorm(in.get(0), in.get(1), in.get(2), new int[] {0, 2, 3}, 1e-5), true));
        c.add(new OpCase("composite-mlp", List.of(s(4, 3), s(3, 5), s(5)),
                List.of(Inputs.NORMAL, Inputs.NORMAL, Inputs.NORMAL),
                (o, in) -> o.logSoftmax(o.tanh(o.add(o.matmul(in.get(0), in.get(1)), in.get(2))), 1), true));
        return c;
    }

    /** A fixed 0/1 condition of the broadcast shape of a and b: every third element is 1. */
    private static Tensor pattern(Ops o, Tensor a, Tensor b) {
        Shape shape = Shape.broadcast(a.shape(), b.shape());
        double[] v = new double[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 3 == 0 ? 1 : 0;
        }
        return o.constant(v, shape, a.dtype());
    }

    private interface Unary {
        Tensor apply(Ops o, Tensor x);
    }

    private interface Binary {
        Tensor apply(Ops o, Tensor a, Tensor b);
    }

    private static void unary(List<OpCase> c, String name, List<Shape> shapes, Inputs inputs, Unary f) {
        for (Shape shape : shapes) {
            c.add(new OpCase(name, List.of(shape), List.of(inputs), (o, in) -> f.apply(o, in.get(0)), true));
        }
    }

    private static void binary(List<OpCase> c, String name, List<List<Shape>> pairs, Inputs a, Inputs b, Binary f) {
        for (List<Shape> p : pairs) {
            binaryCase(c, name, p, a, b, f);
        }
    }

    private static void binaryCase(List<OpCase> c, String name, List<Shape> p, Inputs a, Inputs b, Binary f) {
        BiFunction<Ops, List<Tensor>, Tensor> fn = (o, in) -> f.apply(o, in.get(0), in.get(1));
        c.add(new OpCase(name, p, List.of(a, b), fn, true));
    }

    private static void conv(List<OpCase> c, Shape x, Shape w, int stride, int pad) {
        c.add(new OpCase("conv2d-s" + stride + "p" + pad, List.of(x, w), List.of(Inputs.NORMAL, Inputs.NORMAL),
                (o, in) -> o.conv2d(in.get(0), in.get(1), stride, stride, pad, pad), true));
    }
}
