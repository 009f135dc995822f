package io.github.bilevel.bench;

import static io.github.bilevel.bench.WeightedSoftmax.W1;
import static io.github.bilevel.bench.WeightedSoftmax.W1_SOLVER;

import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.LinearFit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * W3: how W1's reverse-mode hypergradient grows with the horizon T, storing states or graphs: extra memory per inner
 * step against one stored state, and time per step, each a line fitted over T = 50 .. 800.
 */
final class Scaling {
    private Scaling() {
    }

    static List<Row> run(Measurement m, BilevelRuntime rt) {
        Ops ops = rt.ops();
        InnerSolver gd = W1_SOLVER;
        Map<String, double[]> values = HyperparameterValues.initial(W1, gd);
        List<Row> rows = new ArrayList<>();
        long stateBytes = (784L * 10 + 10) * DType.FLOAT32.bytes();
        int[] ts = {50, 100, 200, 400, 800};
        for (String store : new String[] {"states", "graphs"}) {
            double[] peak = new double[ts.length];
            double[] time = new double[ts.length];
            for (int i = 0; i < ts.length; i++) {
                int t = ts[i];
                Row r = m.measure(rt, "W3 scaling", "T=" + t + " reverse, store=" + store, "ms", () -> {
                    long start = System.nanoTime();
                    HyperparameterValues.compute(ops, rt.strategy("reverse"), W1, gd, values, t,
                            Map.of("store", store, "compile", "off"));
                    return System.nanoTime() - start;
                }, 1e6);
                peak[i] = r.peakNativeBytes();
                time[i] = r.median();
                rows.add(r);
            }
            double[] x = Arrays.stream(ts).asDoubleStream().toArray();
            LinearFit mem = LinearFit.of(x, peak);
            LinearFit tm = LinearFit.of(x, time);
            rows.add(new Row("W3 scaling", rt.backendId(), String.format("store=%s: extra memory per inner step "
                    + "= %.2f x one stored state (R2 %.4f); time per step %.2f ms (R2 %.4f)", store,
                    mem.slope() / stateBytes, mem.r2(), tm.slope(), tm.r2()), "B", mem.slope(), mem.slope(),
                    mem.slope(), 0, 0));
        }
        return rows;
    }
}
