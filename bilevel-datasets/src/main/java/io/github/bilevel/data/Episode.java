package io.github.bilevel.data;

/**
 * One few-shot episode: {@code ways} classes, {@code shots} labelled examples of each in the support set and
 * {@code queries} examples of each in the query set.
 *
 * @param support row-major {@code [ways·shots, channels·side·side]}; each row is one image, channel-major
 *     ({@code [channel][row][column]}); rows are class-major: class 0's shots first, then class 1's, …
 * @param supportLabels {@code ways·shots} labels in {@code 0..ways-1}, row {@code i} has label {@code i / shots}
 * @param query row-major {@code [ways·queries, channels·side·side]}, class-major like the support set
 * @param queryLabels {@code ways·queries} labels, row {@code i} has label {@code i / queries}
 */
public record Episode(float[] support, int[] supportLabels, float[] query, int[] queryLabels, int ways, int shots,
        int queries, int channels, int side) {
    public Episode {
        if (ways < 1 || shots < 0 || queries < 0 || channels < 1 || side < 1) {
            throw new IllegalArgumentException("Episode sizes must be positive: ways " + ways + ", shots " + shots
                    + ", queries " + queries + ", channels " + channels + ", side " + side);
        }
        long features = (long) channels * side * side;
        if (supportLabels.length != (long) ways * shots || support.length != supportLabels.length * features
                || queryLabels.length != (long) ways * queries || query.length != queryLabels.length * features) {
            throw new IllegalArgumentException("Episode arrays do not match " + ways + "-way " + shots + "-shot with "
                    + queries + " queries of " + channels + "×" + side + "×" + side + ": support " + support.length
                    + " values / " + supportLabels.length + " labels, query " + query.length + " values / "
                    + queryLabels.length + " labels");
        }
    }

    /** The number of values per image, {@code channels·side·side}. */
    public int features() {
        return channels * side * side;
    }
}
