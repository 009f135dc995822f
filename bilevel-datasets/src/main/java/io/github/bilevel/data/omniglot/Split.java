package io.github.bilevel.data.omniglot;

/**
 * Character indices of a split into meta-training, meta-validation and meta-test characters, each in ascending
 * order; together they hold every character once.
 */
public record Split(int[] train, int[] validation, int[] test) {
}
