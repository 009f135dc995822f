package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The feasible set of a hyperparameter. After each outer step the hyperparameter is projected onto it.
 */
@API(status = STABLE, since = "0.1")
public sealed interface Constraint {

    /** No constraint. */
    record Unconstrained() implements Constraint {
    }

    /** Every element in {@code [lo, hi]}. */
    record Box(double lo, double hi) implements Constraint {
        public Box {
            if (!(lo <= hi)) {
                throw new IllegalArgumentException("Box constraint needs lo <= hi, got [" + lo + ", " + hi + "]");
            }
        }
    }

    /**
     * Every element in {@code [lo, hi]} and the elements summing to at most {@code maxSum}, as for per-example weights
     * in data hyper-cleaning ({@code [0, 1]}, sum at most R).
     */
    record BoxWithSumBound(double lo, double hi, double maxSum) implements Constraint {
        public BoxWithSumBound {
            if (!(lo <= hi)) {
                throw new IllegalArgumentException("Box constraint needs lo <= hi, got [" + lo + ", " + hi + "]");
            }
        }
    }

    static Constraint none() {
        return new Unconstrained();
    }

    static Constraint box(double lo, double hi) {
        return new Box(lo, hi);
    }
}
