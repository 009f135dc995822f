package io.github.bilevel.support;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Arrays;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * A seeded sequence of mini-batches that depends on the inner step alone: step t always gets the same rows. Reverse
 * mode recomputes inner steps during its backward pass, so a problem that draws its batch from
 * {@link #forStep(int)} replays exactly the batches of the forward pass. Each epoch is a fresh permutation of the rows
 * (seeded by the seed and the epoch); the last batch of an epoch may be smaller. Thread-safe.
 */
@API(status = STABLE, since = "0.1")
public final class MiniBatches {
    private final int rows;
    private final int batchSize;
    private final long seed;
    private final int batchesPerEpoch;

    /**
     * @param rows      number of examples, at least 1
     * @param batchSize rows per batch, in {@code [1, rows]}
     * @param seed      fixes the whole sequence
     */
    public MiniBatches(int rows, int batchSize, long seed) {
        if (rows < 1 || batchSize < 1 || batchSize > rows) {
            throw new IllegalArgumentException("Mini-batches need 1 <= batch size <= rows, got batch size " + batchSize
                    + " for " + rows + " rows");
        }
        this.rows = rows;
        this.batchSize = batchSize;
        this.seed = seed;
        this.batchesPerEpoch = (rows + batchSize - 1) / batchSize;
    }

    /** The row indices of the batch used at 0-based inner step {@code step}. */
    public int[] forStep(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        int epoch = step / batchesPerEpoch;
        int k = step % batchesPerEpoch;
        int[] perm = permutation(epoch);
        return Arrays.copyOfRange(perm, k * batchSize, Math.min(rows, (k + 1) * batchSize));
    }

    private int[] permutation(int epoch) {
        int[] p = new int[rows];
        for (int i = 0; i < rows; i++) {
            p[i] = i;
        }
        Random rng = new Random(seed * 1_000_003L + epoch);
        for (int i = rows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
