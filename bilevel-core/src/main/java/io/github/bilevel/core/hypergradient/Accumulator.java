package io.github.bilevel.core.hypergradient;

import io.github.bilevel.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sums hypergradient contributions per hyperparameter in double precision, in a fixed order. */
final class Accumulator {
    private final List<String> names;
    private final double[][] sums;

    Accumulator(List<String> names, List<Tensor> lambda) {
        this.names = names;
        this.sums = new double[names.size()][];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = new double[(int) lambda.get(i).size()];
        }
    }

    /** Adds {@code parts[offset + i]} to hyperparameter i. */
    void add(List<Tensor> parts, int offset) {
        for (int i = 0; i < sums.length; i++) {
            double[] v = parts.get(offset + i).toDoubleArray();
            for (int j = 0; j < v.length; j++) {
                sums[i][j] += v[j];
            }
        }
    }

    Map<String, double[]> result() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int i = 0; i < sums.length; i++) {
            out.put(names.get(i), sums[i].clone());
        }
        return out;
    }
}
