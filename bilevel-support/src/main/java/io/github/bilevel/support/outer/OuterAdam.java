package io.github.bilevel.support.outer;

import io.github.bilevel.api.outer.OuterOptimizer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Adam on the hyperparameters, with bias correction; its moments and step counts are its checkpointed state. */
final class OuterAdam implements OuterOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, double[][]> moments = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();

    OuterAdam(double beta1, double beta2, double eps) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    public double[] step(String name, double[] value, double[] gradient, double lr) {
        double[][] mv = moments.computeIfAbsent(name, k -> new double[][] {new double[value.length],
                new double[value.length]});
        int t = steps.merge(name, 1, Integer::sum);
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        double[] out = value.clone();
        for (int i = 0; i < out.length; i++) {
            mv[0][i] = beta1 * mv[0][i] + (1 - beta1) * gradient[i];
            mv[1][i] = beta2 * mv[1][i] + (1 - beta2) * gradient[i] * gradient[i];
            out[i] -= lr * (mv[0][i] / c1) / (Math.sqrt(mv[1][i] / c2) + eps);
        }
        return out;
    }

    /** Per hyperparameter: {@code name#m} and {@code name#v} (the moments) and {@code name#t} (the step count). */
    @Override
    public Map<String, double[]> state() {
        Map<String, double[]> out = new java.util.TreeMap<>();
        moments.forEach((name, mv) -> {
            out.put(name + "#m", mv[0].clone());
            out.put(name + "#v", mv[1].clone());
            out.put(name + "#t", new double[] {steps.get(name)});
        });
        return out;
    }

    @Override
    public void restore(Map<String, double[]> state) {
        moments.clear();
        steps.clear();
        for (Map.Entry<String, double[]> e : state.entrySet()) {
            String key = e.getKey();
            int hash = key.lastIndexOf('#');
            if (hash < 0 || !List.of("m", "v", "t").contains(key.substring(hash + 1))) {
                throw new IllegalArgumentException("Unknown Adam state entry '" + key + "'");
            }
            String name = key.substring(0, hash);
            double[] m = state.get(name + "#m");
            double[] v = state.get(name + "#v");
            double[] t = state.get(name + "#t");
            if (m == null || v == null || t == null || m.length != v.length || t.length != 1 || t[0] < 0
                    || t[0] != Math.rint(t[0])) {
                throw new IllegalArgumentException("Incomplete or inconsistent Adam state for '" + name + "'");
            }
            moments.put(name, new double[][] {m.clone(), v.clone()});
            steps.put(name, (int) t[0]);
        }
    }
}
