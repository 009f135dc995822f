package io.github.bilevel.bench;

import static io.github.bilevel.bench.Measurement.compiledMode;
import static io.github.bilevel.bench.Measurement.gaussian;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.api.tensor.TensorFunction;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/** W4: the cost of one small inner step and its vector-Jacobian product, eager and compiled. */
final class Overhead {
    private Overhead() {
    }

    static List<Row> run(Measurement m, BilevelRuntime rt) {
        List<Row> rows = new ArrayList<>();
        // About a second per timed run: the replayed 10x10 step is short enough that the JIT needs many of them.
        rows.addAll(stepAndVjp(m, rt, 10, 10, 2000, 20_000));
        rows.addAll(stepAndVjp(m, rt, 5000, 784, 20, 50));
        return rows;
    }

    /** One softmax-regression step on n examples × f features (10 classes) and its VJP, eager and compiled. */
    private static List<Row> stepAndVjp(Measurement m, BilevelRuntime rt, int n, int f, int eagerSteps,
                                        int compiledSteps) {
        Ops ops = rt.ops();
        Random rng = new Random(4);
        Tensor x = ops.cached(List.of("bench-overhead-x", n, f), () -> ops.constant(gaussian(rng, n * f),
                Shape.of(n, f)));
        int[] y = new int[n];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(10);
        }
        double[] w0 = gaussian(rng, f * 10);
        double[] v = gaussian(rng, f * 10);
        List<Row> rows = new ArrayList<>();
        String compiledMode = compiledMode(rt);
        for (boolean compiled : new boolean[] {false, true}) {
            if (compiled && compiledMode == null) {
                continue;
            }
            String mode = compiled ? compiledMode : "eager";
            int steps = mode.equals("compiled") ? compiledSteps : eagerSteps;
            LongSupplier run = () -> {
                long start = System.nanoTime();
                for (int k = 0; k < steps; k++) {
                    java.util.function.Supplier<double[]> body = () -> stepAndVjp(ops, x, y, w0, v, f);
                    double[] r = compiled ? ops.compiled(List.of("bench-overhead", n, f), body) : body.get();
                    if (!Double.isFinite(r[0])) {
                        throw new IllegalStateException("non-finite result");
                    }
                }
                return System.nanoTime() - start;
            };
            rows.add(m.measure(rt, "W4 overhead", mode + ": " + n + "x" + f
                    + " softmax step + VJP", "us", run, steps * 1e3));
        }
        if (compiledMode != null) {
            // The same step as a compiled function (Ops.function): later applications run no Java code of the body.
            int steps = compiledMode.equals("compiled") ? compiledSteps : eagerSteps;
            try (TensorFunction fn = ops.function(in -> List.of(stepAndVjp(ops, x, y, in.get(0), in.get(1))))) {
                LongSupplier run = () -> {
                    long start = System.nanoTime();
                    for (int k = 0; k < steps; k++) {
                        try (Scope s = ops.scope()) {
                            double r = fn.apply(List.of(ops.constant(w0, Shape.of(f, 10)),
                                    ops.constant(v, Shape.of(f, 10)))).get(0).item();
                            if (!Double.isFinite(r)) {
                                throw new IllegalStateException("non-finite result");
                            }
                        }
                    }
                    return System.nanoTime() - start;
                };
                rows.add(m.measure(rt, "W4 overhead", "function: " + n + "x" + f + " softmax step + VJP", "us",
                        run, steps * 1e3));
            }
        }
        return rows;
    }

    /** One gradient step of softmax regression and the VJP of the step with v; returns a value that uses both. */
    private static double[] stepAndVjp(Ops ops, Tensor x, int[] y, double[] w0, double[] v, int f) {
        try (Scope s = ops.scope()) {
            Tensor w = ops.constant(w0, Shape.of(f, 10));
            return new double[] {stepAndVjp(ops, x, y, w, ops.constant(v, Shape.of(f, 10))).item()}; // one read-back
        }
    }

    /** The step from {@code w} and the VJP of the step with {@code v}, summed into one scalar that uses both. */
    private static Tensor stepAndVjp(Ops ops, Tensor x, int[] y, Tensor w, Tensor v) {
        Tensor loss = ops.mean(ops.softmaxCrossEntropy(ops.matmul(x, w), y));
        Tensor g = ops.grad(loss, List.of(w), true).get(0);
        Tensor next = ops.sub(w, ops.mul(g, 0.1));
        Tensor vjp = ops.vjp(List.of(next), List.of(w), List.of(v), false).get(0);
        return ops.add(ops.sum(next), ops.sum(vjp));
    }
}
