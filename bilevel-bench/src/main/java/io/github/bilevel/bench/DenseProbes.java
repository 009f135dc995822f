package io.github.bilevel.bench;

import static io.github.bilevel.bench.Measurement.gaussian;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * What the backend's dense kernels reach on this machine, for comparison with W2: a 512 × 512 product and W2's
 * largest convolution (80 × 64 × 14 × 14 by 64 × 64 × 3 × 3, stride 2), each run 20 times on shifted operands in
 * one compiled region (eagerly where the backend does not compile), summed and read back once.
 */
final class DenseProbes {
    private DenseProbes() {
    }

    static List<Row> run(Measurement m, BilevelRuntime rt) {
        Ops ops = rt.ops();
        Random rng = new Random(3);
        Tensor a = ops.cached(List.of("probe-a"), () -> ops.constant(gaussian(rng, 512 * 512), Shape.of(512, 512)));
        Tensor x = ops.cached(List.of("probe-x"), () -> ops.constant(gaussian(rng, 80 * 64 * 14 * 14),
                Shape.of(80, 64, 14, 14)));
        Tensor k = ops.cached(List.of("probe-k"), () -> ops.constant(gaussian(rng, 64 * 64 * 9), Shape.of(64, 64, 3,
                3)));
        double matmulGflop = 2.0 * 512 * 512 * 512 / 1e9;
        double convGflop = 2.0 * 80 * 64 * 7 * 7 * 64 * 9 / 1e9;
        List<Row> rows = new ArrayList<>();
        // a + r and k + r, not a and k: a compiler would compute twenty identical products once
        rows.addAll(probe(m, rt, "512x512 product", matmulGflop, r -> ops.matmul(a, ops.add(a, r))));
        rows.addAll(probe(m, rt, "W2's largest convolution", convGflop, r -> ops.conv2d(x, ops.add(k, r), 2, 2, 1, 1)));
        return rows;
    }

    /** Times the sum of {@code term(0..19)} in one compiled region, read back once; then its rate in GFLOP/s. */
    private static List<Row> probe(Measurement m, BilevelRuntime rt, String name, double gflopPerTerm,
                                     IntFunction<Tensor> term) {
        Ops ops = rt.ops();
        int reps = 20;
        Row timed = m.measure(rt, "W2 probe", name + ", " + reps + " per region", "ms", () -> {
            long start = System.nanoTime();
            ops.compiled(List.of("probe", name), () -> {
                try (Scope s = ops.scope()) {
                    Tensor acc = term.apply(0);
                    for (int r = 1; r < reps; r++) {
                        acc = ops.add(acc, term.apply(r));
                    }
                    return ops.sum(acc).item();
                }
            });
            return System.nanoTime() - start;
        }, 1e6);
        return List.of(timed, new Row("W2 probe", rt.backendId(), String.format("%s: %.1f GFLOP/s", name,
                reps * gflopPerTerm / (timed.median() / 1e3)), "fit", 0, 0, 0, 0, 0));
    }
}
