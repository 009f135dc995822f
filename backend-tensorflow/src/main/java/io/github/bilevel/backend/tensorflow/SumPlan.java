package io.github.bilevel.backend.tensorflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sum over some axes, rewritten for TensorFlow's CPU reductions: runs of adjacent axes that are all reduced or all
 * kept become one axis (a reshape), and a reduced last axis is summed on its own before the others, since a sum over
 * the contiguous last axis is TensorFlow's fast case. The sum is then reshaped to the kernel's result shape.
 *
 * @param groupSizes   the input reshaped: one size per run of adjacent reduced or kept axes
 * @param reducedAxes  the reduced axes of {@code groupSizes}, ascending
 */
record SumPlan(long[] groupSizes, int[] reducedAxes) {

    /** The plan for a sum of {@code dims} over {@code axes} (distinct, ascending); null where it changes nothing. */
    static SumPlan of(long[] dims, int[] axes) {
        boolean[] reduced = new boolean[dims.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        List<Long> sizes = new ArrayList<>();
        List<Integer> reducedGroups = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0 && reduced[i] == reduced[i - 1]) {
                sizes.set(sizes.size() - 1, sizes.get(sizes.size() - 1) * dims[i]);
            } else {
                sizes.add(dims[i]);
                if (reduced[i]) {
                    reducedGroups.add(sizes.size() - 1);
                }
            }
        }
        boolean lastFirst = reduced[dims.length - 1] && reducedGroups.size() > 1;
        if (sizes.size() == dims.length && !lastFirst) {
            return null;
        }
        return new SumPlan(sizes.stream().mapToLong(Long::longValue).toArray(),
                reducedGroups.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Whether the last axis of {@link #groupSizes} is reduced along with others: it is then summed first. */
    boolean lastAxisFirst() {
        return reducedAxes.length > 1 && reducedAxes[reducedAxes.length - 1] == groupSizes.length - 1;
    }

    /** The reduced axes after the last one was summed away ({@link #lastAxisFirst}). */
    int[] remainingAxes() {
        return Arrays.copyOf(reducedAxes, reducedAxes.length - 1);
    }
}
