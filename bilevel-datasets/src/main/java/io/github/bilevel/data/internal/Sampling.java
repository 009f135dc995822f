package io.github.bilevel.data.internal;

import java.util.Random;

/** Seeded sampling shared by the episode samplers. */
public final class Sampling {
    private Sampling() {
    }

    /**
     * {@code k} distinct values of {@code 0..n-1} in the order drawn: the first {@code k} steps of a Fisher–Yates
     * shuffle, step {@code i} swapping position {@code i} with {@code i + random.nextInt(n - i)}.
     */
    public static int[] distinct(Random random, int n, int k) {
        if (k > n) {
            throw new IllegalArgumentException("Cannot draw " + k + " distinct values out of " + n);
        }
        int[] pool = new int[n];
        for (int i = 0; i < n; i++) {
            pool[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        return java.util.Arrays.copyOf(pool, k);
    }

    /**
     * The seed of episode {@code index} of a meta-batch drawn with {@code seed}: SplitMix64's finalizer applied to
     * {@code seed + (index + 1)·0x9E3779B97F4A7C15}.
     */
    public static long episodeSeed(long seed, int index) {
        long z = seed + (index + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
