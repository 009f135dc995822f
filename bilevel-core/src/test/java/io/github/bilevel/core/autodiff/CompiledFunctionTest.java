package io.github.bilevel.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.api.tensor.TensorFunction;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Ops#function}: recorded once per input signature, then run from the compiled graph without running the body;
 * the same results as running the body eagerly, in float64 to the bit.
 */
class CompiledFunctionTest {
    private final AtomicInteger compiles = new AtomicInteger();
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger bodyRuns = new AtomicInteger();

    /** The reference backend, offering a GraphCompiler that evaluates the graph kernel by kernel. */
    private Backend compilingReference() {
        return CompilingBackends.interpretingReference(compiles, runs);
    }

    private static double[] gaussian(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    /**
     * W4's body: a softmax-regression step on {@code x} (captured from outside) from {@code w} and the VJP of the step
     * with {@code v}; a constant made inside; two outputs.
     */
    private Function<List<Tensor>, List<Tensor>> stepAndVjp(Ops ops, Tensor x, int[] labels) {
        return in -> {
            bodyRuns.incrementAndGet();
            Tensor w = in.get(0);
            Tensor loss = ops.mean(ops.softmaxCrossEntropy(ops.matmul(x, w), labels));
            Tensor g = ops.grad(loss, List.of(w), true).get(0);
            Tensor shift = ops.constant(new double[] {0.25, -0.5, 0.125}, Shape.of(3));
            Tensor next = ops.add(ops.sub(w, ops.mul(g, 0.1)), shift);
            Tensor vjp = ops.vjp(List.of(next), List.of(w), List.of(in.get(1)), false).get(0);
            return List.of(next, ops.sum(vjp));
        };
    }

    private static double[][] values(List<Tensor> out) {
        double[][] v = new double[out.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = out.get(i).toDoubleArray();
        }
        return v;
    }

    @Test
    void laterApplicationsRunTheCompiledGraphWithoutTheBodyAndGiveTheEagerBits() {
        Ops eager = new Engine(new ReferenceBackend(), DType.FLOAT64);
        Engine compiled = new Engine(compilingReference(), DType.FLOAT64);
        Random rng = new Random(3);
        double[] xs = gaussian(rng, 8 * 4);
        int[] labels = {0, 1, 2, 1, 0, 2, 2, 1};
        Tensor xEager = eager.constant(xs, Shape.of(8, 4));
        Tensor xCompiled = compiled.constant(xs, Shape.of(8, 4));
        TensorFunction f = compiled.function(stepAndVjp(compiled, xCompiled, labels));
        Function<List<Tensor>, List<Tensor>> reference = stepAndVjp(eager, xEager, labels);
        long before = compiled.memory().liveArrays();
        long beforeBytes = compiled.memory().liveBytes();
        long held = -1;
        for (int k = 0; k < 4; k++) {
            double[] w = gaussian(rng, 12);
            double[] v = gaussian(rng, 12);
            double[][] expected;
            try (Scope s = eager.scope()) {
                expected = values(reference.apply(List.of(eager.constant(w, Shape.of(4, 3)),
                        eager.constant(v, Shape.of(4, 3)))));
            }
            try (Scope s = compiled.scope()) {
                List<Tensor> out = f.apply(List.of(compiled.constant(w, Shape.of(4, 3)),
                        compiled.constant(v, Shape.of(4, 3))));
                double[][] got = values(out);
                for (int i = 0; i < expected.length; i++) {
                    assertArrayEquals(expected[i], got[i], 0.0, "application " + k + ", output " + i);
                }
                assertEquals(Shape.of(4, 3), out.get(0).shape());
            }
            long now = compiled.memory().liveArrays() - before;
            if (k == 0) {
                held = now;
            }
            assertEquals(held, now, "application " + k + ": only the recording's constants stay");
        }
        assertEquals(4 + 1, bodyRuns.get(), "four eager reference runs, one recording");
        int compilesAfterFirst = compiles.get();
        assertTrue(compilesAfterFirst > 0);
        assertTrue(held >= 1, "the constants the function keeps (the body's shift at least) are on the engine's "
                + "account, got " + held);
        assertTrue(compiled.memory().liveBytes() - beforeBytes >= 3 * Double.BYTES, "their bytes too");

        // Another input shape is another recording; the first stays.
        try (Scope s = compiled.scope()) {
            Tensor bad = compiled.constant(gaussian(rng, 8), Shape.of(4, 2));
            assertThrows(IllegalArgumentException.class, () -> f.apply(List.of(bad, bad)),
                    "a shape the body rejects is the body's error");
        }
        f.close();
        assertEquals(before, compiled.memory().liveArrays(), "intermediates, outputs and constants freed");
        assertEquals(beforeBytes, compiled.memory().liveBytes());
        assertThrows(IllegalStateException.class, () -> f.apply(List.of(xCompiled, xCompiled)));
        compiled.close();
    }

    @Test
    void outputsCarryNoHistoryAndTheSameTensorTwiceIsOneInput() {
        Engine ops = new Engine(compilingReference(), DType.FLOAT64);
        TensorFunction square = ops.function(in -> {
            bodyRuns.incrementAndGet();
            return List.of(ops.mul(in.get(0), in.get(1)), ops.add(in.get(0), in.get(1)));
        });
        try (Scope s = ops.scope()) {
            Tensor a = ops.constant(new double[] {1, 2, 3}, Shape.of(3));
            Tensor b = ops.constant(new double[] {4, 5, 6}, Shape.of(3));
            assertArrayEquals(new double[] {4, 10, 18}, square.apply(List.of(a, b)).get(0).toDoubleArray());
            assertArrayEquals(new double[] {1, 4, 9}, square.apply(List.of(a, a)).get(0).toDoubleArray(),
                    "one tensor passed twice is recorded apart from two tensors");
            assertArrayEquals(new double[] {16, 25, 36}, square.apply(List.of(b, b)).get(0).toDoubleArray());
            assertArrayEquals(new double[] {4, 10, 18}, square.apply(List.of(b, a)).get(0).toDoubleArray());
            assertEquals(2, bodyRuns.get(), "recorded for (a, b) and for (a, a), replayed for the others");
            Tensor out = square.apply(List.of(a, b)).get(1);
            assertArrayEquals(new double[] {0, 0, 0}, ops.grad(ops.sum(out), List.of(a), false).get(0)
                    .toDoubleArray(), "no derivative flows through the outputs");
        }
        ops.close();
        assertThrows(IllegalStateException.class, () -> square.apply(List.of()), "closed with its engine");
    }

    @Test
    void aBodyThatReadsValuesOrReturnsItsInputIsRefused() {
        Engine ops = new Engine(compilingReference(), DType.FLOAT64);
        long before = ops.memory().liveArrays();
        try (Scope s = ops.scope()) {
            Tensor a = ops.constant(new double[] {1, 2}, Shape.of(2));
            TensorFunction reads = ops.function(in -> List.of(in.get(0).item() > 0 ? ops.neg(in.get(0)) : in.get(0)));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> reads.apply(List.of(
                    ops.constant(new double[] {1}, Shape.of(1)))));
            assertTrue(e.getMessage().contains("read a value back"), e.getMessage());
            TensorFunction identity = ops.function(in -> List.of(in.get(0)));
            e = assertThrows(IllegalStateException.class, () -> identity.apply(List.of(a)));
            assertTrue(e.getMessage().contains("not computed by its body"), e.getMessage());
        }
        assertEquals(before, ops.memory().liveArrays(), "nothing left behind by the refused recordings");
        ops.close();
    }

    @Test
    void withoutACompilerAndInsideACompiledRegionTheBodyRunsEachTime() {
        Engine plain = new Engine(new ReferenceBackend(), DType.FLOAT64);
        Engine compiling = new Engine(compilingReference(), DType.FLOAT64);
        for (Engine ops : List.of(plain, compiling)) {
            bodyRuns.set(0);
            TensorFunction twice = ops.function(in -> {
                bodyRuns.incrementAndGet();
                return List.of(ops.mul(in.get(0), 2.0));
            });
            for (int k = 0; k < 3; k++) {
                double got = ops.compiled("outer", () -> {
                    try (Scope s = ops.scope()) {
                        return twice.apply(List.of(ops.constant(new double[] {1.5}, Shape.of(1)))).get(0).item();
                    }
                });
                assertEquals(3.0, got, 0.0);
            }
            assertTrue(bodyRuns.get() >= 3, "the body runs as part of the region or eagerly: " + bodyRuns);
            try (Scope s = ops.scope()) {
                Tensor x = ops.constant(new double[] {2.0}, Shape.of(1));
                assertEquals(4.0, twice.apply(List.of(x)).get(0).item(), 0.0);
            }
            ops.close();
        }
    }
}
