package io.github.bilevel.data.omniglot;

import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.internal.Sampling;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Few-shot episodes from Omniglot: {@code ways} classes drawn from {@code characters}, {@code shots} support and
 * {@code queries} query drawings of each. With {@code rotations}, each character at 0°, 90°, 180° and 270° is its
 * own class (for meta-training only), every drawing of the class turned counter-clockwise by that angle.
 *
 * <p>{@link #episode(long)} is a pure function of the seed: with {@code java.util.Random(seed)}, the classes are the
 * first {@code ways} of a partial Fisher–Yates shuffle of the class pool (class {@code k} is character
 * {@code characters[k / 4]} turned {@code k % 4} quarter turns with rotations, {@code characters[k]} without); label
 * {@code i} is the {@code i}-th class drawn. For each class in turn, {@code shots + queries} distinct drawings are
 * drawn the same way; the first {@code shots} go to the support set. With {@link Drawings#INDEPENDENT}, {@code shots}
 * distinct drawings are drawn for the support set and then, independently, {@code queries} distinct ones for the
 * query set. Images have one channel, side {@value Omniglot#SIDE}.
 */
public final class EpisodeSampler {
    /** How the support and query drawings of a class are drawn. */
    public enum Drawings {
        /** Distinct drawings for both sets: no query image is also a support image. */
        DISJOINT,
        /**
         * Each set's drawings distinct, the two sets drawn independently: a query image may also be a support image
         * (the protocol of Franceschi et al.'s code).
         */
        INDEPENDENT
    }

    private final Omniglot data;
    private final int[] characters;
    private final boolean rotations;
    private final int ways;
    private final int shots;
    private final int queries;
    private final Drawings drawings;

    /** With {@link Drawings#DISJOINT} support and query drawings. */
    public EpisodeSampler(Omniglot data, int[] characters, boolean rotations, int ways, int shots, int queries) {
        this(data, characters, rotations, ways, shots, queries, Drawings.DISJOINT);
    }

    /**
     * @throws IllegalArgumentException when a size is out of range, a character index is invalid or repeated, or
     *     there are fewer classes than {@code ways}
     * @throws DataFormatException naming the character when one has fewer drawings than an episode takes of it
     *     ({@code shots + queries} when disjoint, the larger of the two when independent)
     */
    public EpisodeSampler(Omniglot data, int[] characters, boolean rotations, int ways, int shots, int queries,
                          Drawings drawings) {
        java.util.Objects.requireNonNull(drawings, "drawings");
        if (ways < 1 || shots < 1 || queries < 0) {
            throw new IllegalArgumentException("Need ways >= 1, shots >= 1 and queries >= 0, not " + ways + ", "
                    + shots + ", " + queries);
        }
        int needed = drawings == Drawings.DISJOINT ? shots + queries : Math.max(shots, queries);
        this.characters = characters.clone();
        java.util.BitSet seen = new java.util.BitSet();
        for (int c : this.characters) {
            if (c < 0 || c >= data.characters()) {
                throw new IllegalArgumentException("Character " + c + " outside [0, " + data.characters() + ")");
            }
            if (seen.get(c)) {
                throw new IllegalArgumentException("Character " + c + " (" + data.name(c) + ") is listed twice");
            }
            seen.set(c);
            if (data.drawings(c) < needed) {
                throw new DataFormatException("Omniglot character " + data.name(c) + " (index " + c + ") has "
                        + data.drawings(c) + " drawings, fewer than " + (drawings == Drawings.DISJOINT
                        ? "shots + queries = " : "shots or queries = ") + needed);
            }
        }
        int classes = this.characters.length * (rotations ? 4 : 1);
        if (ways > classes) {
            throw new IllegalArgumentException(ways + "-way episodes need " + ways + " classes but there are only "
                    + classes);
        }
        this.data = data;
        this.rotations = rotations;
        this.ways = ways;
        this.shots = shots;
        this.queries = queries;
        this.drawings = drawings;
    }

    /** One episode; the same seed gives the same episode. */
    public Episode episode(long seed) {
        Random random = new Random(seed);
        int turns = rotations ? 4 : 1;
        int[] classes = Sampling.distinct(random, characters.length * turns, ways);
        int features = Omniglot.SIDE * Omniglot.SIDE;
        float[] support = new float[ways * shots * features];
        float[] query = new float[ways * queries * features];
        int[] supportLabels = new int[ways * shots];
        int[] queryLabels = new int[ways * queries];
        for (int label = 0; label < ways; label++) {
            int character = characters[classes[label] / turns];
            int quarterTurns = classes[label] % turns;
            int[] drawings = drawings(random, data.drawings(character));
            for (int i = 0; i < shots; i++) {
                int row = label * shots + i;
                data.copy(character, drawings[i], quarterTurns, support, row * features);
                supportLabels[row] = label;
            }
            for (int i = 0; i < queries; i++) {
                int row = label * queries + i;
                data.copy(character, drawings[shots + i], quarterTurns, query, row * features);
                queryLabels[row] = label;
            }
        }
        return new Episode(support, supportLabels, query, queryLabels, ways, shots, queries, 1, Omniglot.SIDE);
    }

    /** The support drawings of a class, then its query drawings. */
    private int[] drawings(Random random, int available) {
        if (drawings == Drawings.DISJOINT) {
            return Sampling.distinct(random, available, shots + queries);
        }
        int[] both = java.util.Arrays.copyOf(Sampling.distinct(random, available, shots), shots + queries);
        System.arraycopy(Sampling.distinct(random, available, queries), 0, both, shots, queries);
        return both;
    }

    /**
     * {@code size} episodes, a pure function of the seed: episode {@code i} is {@code episode(episodeSeed(seed, i))},
     * so a longer meta-batch with the same seed starts with the same episodes.
     */
    public List<Episode> metaBatch(long seed, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("Meta-batch size " + size + " is negative");
        }
        List<Episode> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(episode(episodeSeed(seed, i)));
        }
        return List.copyOf(out);
    }

    /**
     * The seed of episode {@code index} of a meta-batch drawn with {@code seed}: SplitMix64's finalizer applied to
     * {@code seed + (index + 1)·0x9E3779B97F4A7C15}.
     */
    public static long episodeSeed(long seed, int index) {
        return Sampling.episodeSeed(seed, index);
    }
}
