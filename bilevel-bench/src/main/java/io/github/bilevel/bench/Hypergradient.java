package io.github.bilevel.bench;

import static io.github.bilevel.bench.Measurement.compiledMode;
import static io.github.bilevel.bench.WeightedSoftmax.W1;
import static io.github.bilevel.bench.WeightedSoftmax.W1_SOLVER;

import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import io.github.bilevel.support.unroll.Dynamics;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * W1: reverse-mode hypergradient of 5,000 per-example weights of a softmax regression on 784 features (the shape of
 * hyper-cleaning), against the forward steps alone; then the learning rate as a hyperparameter too.
 */
final class Hypergradient {
    private Hypergradient() {
    }

    static List<Row> run(Measurement m, BilevelRuntime rt) {
        Ops ops = rt.ops();
        InnerSolver gd = W1_SOLVER;
        Map<String, double[]> values = HyperparameterValues.initial(W1, gd);
        // The forward steps alone, eagerly and as one compiled region (like the hypergradient), where the backend
        // compiles: the cost of the T steps is the faster of the two.
        Map<String, LongSupplier> variants = new LinkedHashMap<>();
        String compiledMode = compiledMode(rt);
        for (boolean compiled : new boolean[] {false, true}) {
            if (compiled && compiledMode == null) {
                continue;
            }
            variants.put("T=100 forward steps alone, " + (compiled ? compiledMode : "eager"), () -> {
                long start = System.nanoTime();
                Supplier<Double> body = () -> {
                    try (Scope s = ops.scope()) {
                        Hyperparameters hyper = HyperparameterValues.tensors(ops, W1, gd, values);
                        Dynamics d = new Dynamics(ops, W1, gd, hyper);
                        SolverState st = d.initial();
                        for (int t = 1; t <= 100; t++) {
                            SolverState next = d.advance(st, t);
                            if (t > 1) {
                                Dynamics.close(st);
                            }
                            st = next;
                        }
                        return d.outer(st).item();
                    }
                };
                if (compiled) {
                    ops.compiled("bench-forward", body);
                } else {
                    body.get();
                }
                return System.nanoTime() - start;
            });
        }
        for (String store : new String[] {"graphs", "states"}) {
            variants.put("T=100 reverse mode, store=" + store, () -> {
                long start = System.nanoTime();
                HyperparameterValues.compute(ops, rt.strategy("reverse"), W1, gd, values, 100,
                        Map.of("store", store));
                return System.nanoTime() - start;
            });
        }
        double[][] times = new double[variants.size()][];
        List<Row> rows = m.interleaved(rt, "W1 hypergradient", "ms", 1e6, variants, times);
        // Reverse mode against the faster forward run of the same round: rounds alternate the variants, so a slow
        // spell of the machine weighs on both sides of each ratio.
        List<String> names = List.copyOf(variants.keySet());
        for (int v = 0; v < names.size(); v++) {
            if (!names.get(v).contains("reverse mode")) {
                continue;
            }
            double[] ratio = new double[m.repeats()];
            for (int r = 0; r < m.repeats(); r++) {
                double forward = Double.MAX_VALUE;
                for (int f = 0; f < names.size(); f++) {
                    if (names.get(f).contains("forward steps alone")) {
                        forward = Math.min(forward, times[f][r]);
                    }
                }
                ratio[r] = times[v][r] / forward;
            }
            Arrays.sort(ratio);
            rows.add(new Row("W1 hypergradient", rt.backendId(), names.get(v).replace("T=100 ", "") + " / forward",
                    "x", ratio[m.repeats() / 2], ratio[0], ratio[m.repeats() - 1], 0, 0));
        }
        // Beyond W1: the learning rate as a hyperparameter too. Its derivative needs each step's gradient again: one
        // more 5,000 x 784 product per recomputed step, which compiled and replayed regions merge with the backward
        // step's other product of the transposed data (ADR 0011).
        InnerSolver tunedLr = new GradientDescent(0.1);
        Map<String, double[]> withLr = HyperparameterValues.initial(W1, tunedLr);
        rows.add(m.measure(rt, "W1 hypergradient", "T=100 reverse, store=states, +lr", "ms", () -> {
            long start = System.nanoTime();
            HyperparameterValues.compute(ops, rt.strategy("reverse"), W1, tunedLr, withLr, 100, Map.of());
            return System.nanoTime() - start;
        }, 1e6));
        return rows;
    }
}
