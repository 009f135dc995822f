package io.github.bilevel.plugin.ho;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.data.LabeledImages;
import java.util.Random;

/** Seeded shuffles and splits. */
final class Split {
    private Split() {
    }

    /** A seeded permutation of {@code 0..n-1}. */
    static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static int[] range(int[] p, int from, int count) {
        int[] out = new int[count];
        System.arraycopy(p, from, out, 0, count);
        return out;
    }

    /** Checks that {@code data} has at least {@code needed} examples. */
    static void require(LabeledImages data, int needed, String what) {
        if (data.count() < needed) {
            throw new InvalidInputException(what + " needs " + needed + " examples but the data have "
                    + data.count());
        }
    }

    static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
