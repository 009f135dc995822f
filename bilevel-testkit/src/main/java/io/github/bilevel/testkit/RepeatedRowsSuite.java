package io.github.bilevel.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Scattering into repeated rows must not lose updates. libnd4j's multi-threaded scatter_add did, now and then (the
 * conformance suite's gatherRows Hessian-vector product failed about once in a few thousand runs). Every backend
 * repeats that computation until a lost update would have shown, and compares large scatters with many repeats
 * exactly with sums on the host: the values are small integers, so every order of summation is exact.
 */
public abstract class RepeatedRowsSuite extends BackendTestBase {

    @Test
    void hessianVectorProductThroughRepeatedRowsIsExactEveryTime() {
        try (Engine e = new Engine(backend(), DType.FLOAT64)) {
            int[] rows = {3, 0, 3, 1};
            for (int k = 0; k < 3000; k++) {
                try (Scope s = e.scope()) {
                    Tensor x = e.constant(new double[] {0.5, -1.2, 0.7, 2.0}, Shape.of(4));
                    Tensor v = e.constant(new double[] {1, 2, 3, 4}, Shape.of(4));
                    Tensor objective = e.sum(e.square(e.gatherRows(x, rows)));
                    // ∇²(Σ x[rows]²) = 2·GᵀG with G the row selection: row 3 is taken twice
                    assertArrayEquals(new double[] {2, 4, 0, 16},
                            e.hvp(objective, List.of(x), List.of(v), false).get(0).toDoubleArray(), 0.0,
                            "repetition " + k);
                }
            }
        }
    }

    @Test
    void largeScattersWithManyRepeatsKeepEveryUpdate() {
        Random rng = new Random(3);
        Backend b = backend();
        for (DType dtype : DType.values()) {
            for (int round = 0; round < 20; round++) {
                int n = 20_000;
                int width = 1 + rng.nextInt(64);
                int rows = 1 + rng.nextInt(12);
                int[] indices = new int[n];
                double[] updates = new double[n * width];
                double[] expected = new double[rows * width];
                for (int i = 0; i < n; i++) {
                    indices[i] = rng.nextInt(rows);
                    for (int j = 0; j < width; j++) {
                        double u = rng.nextInt(17) - 8;
                        updates[i * width + j] = u;
                        expected[indices[i] * width + j] += u;
                    }
                }
                try (NdArray u = b.fromDoubles(updates, Shape.of(n, width), dtype);
                     NdArray out = b.scatterAddRows(u, indices, rows)) {
                    assertArrayEquals(expected, b.toDoubles(out), 0.0, dtype + " round " + round);
                }
            }
        }
    }
}
