package io.github.bilevel.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scattering into repeated rows must not lose updates. libnd4j's multi-threaded scatter_add did, now and then (the
 * conformance suite's gatherRows Hessian-vector product failed about once in a few thousand runs), so the backend
 * accumulates repeated rows itself; this repeats the failing computation until a lost update would have shown.
 */
class Nd4jRepeatedRowsTest {

    @Test
    void hessianVectorProductThroughRepeatedRowsIsExactEveryTime() {
        try (Backend b = new Nd4jBackendProvider().create(BackendConfig.defaults());
             Engine e = new Engine(b, DType.FLOAT64)) {
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
}
