package io.github.bilevel.support.unroll;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.bilevel.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/** Sums hypergradient contributions per hyperparameter in double precision, in a fixed order. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Accumulator {
    private final List<String> names;
    private final double[][] sums;

    public Accumulator(List<String> names, List<Tensor> lambda) {
        this.names = names;
        this.sums = new double[names.size()][];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = new double[(int) lambda.get(i).size()];
        }
    }

    /** Adds {@code parts[offset + i]} to hyperparameter i. */
    public void add(List<Tensor> parts, int offset) {
        for (int i = 0; i < sums.length; i++) {
            double[] v = parts.get(offset + i).toDoubleArray();
            for (int j = 0; j < v.length; j++) {
                sums[i][j] += v[j];
            }
        }
    }

    /** The sums, one copy per hyperparameter, in declaration order. */
    public Map<String, double[]> result() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int i = 0; i < sums.length; i++) {
            out.put(names.get(i), sums[i].clone());
        }
        return out;
    }
}
