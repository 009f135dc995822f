package io.github.bilevel.bench;

import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.check.WeightedRegressionProblem;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.LinearFit;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** W5: a small problem with a long horizon. */
final class Horizon {
    private Horizon() {
    }

    /**
     * Reverse-mode hypergradient of 50 per-example weights of a 50 × 10 weighted regression (the self-check's shape),
     * float64, at each T of {@code --horizons} in ascending order: time per hypergradient after warm-up, and the
     * process's peak resident memory so far (VmHWM, which only grows, so each figure covers every smaller T too).
     */
    static List<Row> run(Measurement m, String backend, int threads, int[] horizons, String horizonStrategy,
                         String horizonCompile) {
        List<Row> rows = new ArrayList<>();
        try (BilevelRuntime rt64 = BilevelRuntime.builder().backend(backend).dtype(DType.FLOAT64).threads(threads)
                .build()) {
            Ops ops = rt64.ops();
            WeightedRegressionProblem p = new WeightedRegressionProblem();
            double[] gamma = p.hyperparameters().get(0).initial();
            InnerSolver gd = GradientDescent.fixedRate(1.0 / p.lipschitzConstant(gamma));
            Map<String, double[]> values = HyperparameterValues.initial(p, gd);
            double[] time = new double[horizons.length];
            // The Java side of a replay is hot code: give the JIT a few seconds at the smallest T first, or the first
            // T measured pays for compiling it.
            Map<String, String> options = horizonCompile.equals("off") ? Map.of("compile", "off") : Map.of();
            long warmUntil = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warmUntil) {
                HyperparameterValues.compute(ops, rt64.strategy(horizonStrategy), p, gd, values, horizons[0], options);
            }
            for (int i = 0; i < horizons.length; i++) {
                int t = horizons[i];
                Row r = m.measure(rt64, "W5 horizon", "T=" + t + " " + horizonStrategy + (options.isEmpty() ? ""
                        : " eager") + ", float64, 50x10 weights", "ms", () -> {
                    long start = System.nanoTime();
                    HyperparameterValues.compute(ops, rt64.strategy(horizonStrategy), p, gd, values, t, options);
                    return System.nanoTime() - start;
                }, 1e6);
                time[i] = r.median();
                rows.add(r);
            }
            if (horizons.length >= 2) { // one horizon has no slope
                double[] x = Arrays.stream(horizons).asDoubleStream().toArray();
                LinearFit tm = LinearFit.of(x, time);
                rows.add(new Row("W5 horizon", rt64.backendId(), String.format("time per inner step %.1f us, linear "
                        + "in T with R2 %.4f", tm.slope() * 1e3, tm.r2()), "fit", tm.slope() * 1e3, tm.r2(), tm.r2(),
                        0, 0));
            }
        }
        return rows;
    }
}
