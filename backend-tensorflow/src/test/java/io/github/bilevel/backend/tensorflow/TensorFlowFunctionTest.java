package io.github.bilevel.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.api.tensor.TensorFunction;
import io.github.bilevel.core.autodiff.Engine;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Ops#function} on TensorFlow: a softmax step and its VJP (W4's body) recorded once and then run as one
 * compiled graph gives the eager engine's results (float64, rtol 1e-12), and the body does not run again.
 */
class TensorFlowFunctionTest {

    private static Function<List<Tensor>, List<Tensor>> body(Ops ops, Tensor x, int[] labels, AtomicInteger runs) {
        return in -> {
            runs.incrementAndGet();
            Tensor w = in.get(0);
            Tensor loss = ops.mean(ops.softmaxCrossEntropy(ops.matmul(x, w), labels));
            Tensor g = ops.grad(loss, List.of(w), true).get(0);
            Tensor next = ops.sub(w, ops.mul(g, 0.1));
            Tensor vjp = ops.vjp(List.of(next), List.of(w), List.of(in.get(1)), false).get(0);
            return List.of(next, vjp);
        };
    }

    @Test
    void aCompiledFunctionGivesTheEagerResultsWithoutRunningItsBodyAgain() {
        Backend backend = new TensorFlowBackendProvider().create(BackendConfig.defaults());
        Random rng = new Random(11);
        double[] xs = new double[30 * 6];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = rng.nextGaussian();
        }
        int[] labels = new int[30];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(4);
        }
        AtomicInteger runs = new AtomicInteger();
        try (Engine ops = new Engine(backend, DType.FLOAT64)) {
            Tensor x = ops.constant(xs, Shape.of(30, 6));
            Function<List<Tensor>, List<Tensor>> eager = body(ops, x, labels, new AtomicInteger());
            try (TensorFunction f = ops.function(body(ops, x, labels, runs))) {
                for (int k = 0; k < 5; k++) {
                    double[] w = new double[24];
                    double[] v = new double[24];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = rng.nextGaussian();
                        v[i] = rng.nextGaussian();
                    }
                    try (Scope s = ops.scope()) {
                        List<Tensor> in = List.of(ops.constant(w, Shape.of(6, 4)), ops.constant(v, Shape.of(6, 4)));
                        List<Tensor> expected = eager.apply(in);
                        List<Tensor> got = f.apply(in);
                        for (int o = 0; o < 2; o++) {
                            double[] e = expected.get(o).toDoubleArray();
                            double[] g = got.get(o).toDoubleArray();
                            for (int i = 0; i < e.length; i++) {
                                assertEquals(e[i], g[i], 1e-12 * Math.max(1, Math.abs(e[i])),
                                        "application " + k + ", output " + o + " [" + i + "]");
                            }
                        }
                    }
                }
            }
            assertEquals(1, runs.get(), "recorded once, then run from the compiled graph");
        } finally {
            backend.close();
        }
    }
}
