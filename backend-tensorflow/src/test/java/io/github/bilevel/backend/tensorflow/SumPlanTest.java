package io.github.bilevel.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SumPlan}: how a sum is rewritten, and that TensorFlow's rewritten sums equal plain sums (float64). */
class SumPlanTest {
    @Test
    void batchNormStatisticsBecomeALastAxisSumThenAFirstAxisSum() {
        SumPlan p = SumPlan.of(new long[] {80, 64, 14, 14}, new int[] {0, 2, 3});
        assertArrayEquals(new long[] {80, 64, 196}, p.groupSizes());
        assertArrayEquals(new int[] {0, 2}, p.reducedAxes());
        assertTrue(p.lastAxisFirst());
        assertArrayEquals(new int[] {0}, p.remainingAxes());
    }

    @Test
    void adjacentAxesMergeAndSumsThatGainNothingAreLeftAlone() {
        SumPlan all = SumPlan.of(new long[] {2, 3, 4}, new int[] {0, 1, 2});
        assertArrayEquals(new long[] {24}, all.groupSizes());
        assertArrayEquals(new int[] {0}, all.reducedAxes());
        assertFalse(all.lastAxisFirst());
        SumPlan inner = SumPlan.of(new long[] {5, 6, 7}, new int[] {1, 2});
        assertArrayEquals(new long[] {5, 42}, inner.groupSizes());
        assertNull(SumPlan.of(new long[] {5, 3}, new int[] {1}), "one axis of a matrix");
        assertNull(SumPlan.of(new long[] {5, 3, 2}, new int[] {1}), "a middle axis alone");
        assertNull(SumPlan.of(new long[] {7}, new int[] {0}));
    }

    /** Every subset of axes of shapes up to rank 4, with and without kept axes, against a sum written out. */
    @Test
    void tensorFlowSumsOverEveryAxisSubsetEqualPlainSums() {
        Random rng = new Random(11);
        try (Backend b = new TensorFlowBackendProvider().create(BackendConfig.defaults())) {
            for (int[] dims : new int[][] {{3}, {4, 5}, {2, 3, 4}, {3, 2, 4, 5}, {2, 1, 3, 2}}) {
                int n = 1;
                for (int d : dims) {
                    n *= d;
                }
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = rng.nextGaussian();
                }
                for (int mask = 1; mask < 1 << dims.length; mask++) {
                    List<Integer> axes = new ArrayList<>();
                    for (int a = 0; a < dims.length; a++) {
                        if ((mask & 1 << a) != 0) {
                            axes.add(a);
                        }
                    }
                    int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
                    double[] expected = plainSum(x, dims, mask);
                    for (boolean keep : new boolean[] {false, true}) {
                        try (NdArray in = b.fromDoubles(x, Shape.of(dims), DType.FLOAT64);
                             NdArray out = b.reduceSum(in, ax, keep)) {
                            assertEquals(Shape.of(resultDims(dims, mask, keep)), out.shape(),
                                    Shape.of(dims) + " over " + axes + ", keep " + keep);
                            double[] got = b.toDoubles(out);
                            assertEquals(expected.length, got.length);
                            for (int i = 0; i < got.length; i++) {
                                assertEquals(expected[i], got[i], 1e-12 * (1 + Math.abs(expected[i])),
                                        Shape.of(dims) + " over " + axes + ", keep " + keep + ", element " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The result's dimensions: the reduced axes dropped, or kept as 1. */
    private static int[] resultDims(int[] dims, int mask, boolean keep) {
        List<Integer> out = new ArrayList<>();
        for (int a = 0; a < dims.length; a++) {
            if ((mask & 1 << a) == 0) {
                out.add(dims[a]);
            } else if (keep) {
                out.add(1);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The sum of row-major {@code x} over the axes in {@code mask}, in row-major order of the kept axes. */
    private static double[] plainSum(double[] x, int[] dims, int mask) {
        int outSize = 1;
        for (int a = 0; a < dims.length; a++) {
            if ((mask & 1 << a) == 0) {
                outSize *= dims[a];
            }
        }
        double[] out = new double[outSize];
        int[] index = new int[dims.length];
        for (int flat = 0; flat < x.length; flat++) {
            int o = 0;
            for (int a = 0; a < dims.length; a++) {
                if ((mask & 1 << a) == 0) {
                    o = o * dims[a] + index[a];
                }
            }
            out[o] += x[flat];
            for (int a = dims.length - 1; a >= 0; a--) {
                if (++index[a] < dims[a]) {
                    break;
                }
                index[a] = 0;
            }
        }
        return out;
    }
}
