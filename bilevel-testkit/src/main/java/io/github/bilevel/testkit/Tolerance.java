package io.github.bilevel.testkit;

import io.github.bilevel.api.tensor.DType;

/**
 * Closeness {@code |actual − expected| ≤ atol + rtol·|expected|}, elementwise.
 *
 * @param atol absolute tolerance
 * @param rtol relative tolerance
 */
public record Tolerance(double atol, double rtol) {

    /** Backend against the float64 oracle: float64 atol 1e-10, rtol 1e-12; float32 atol 1e-6, rtol 1e-5. */
    public static Tolerance oracle(DType dtype) {
        return dtype == DType.FLOAT64 ? new Tolerance(1e-10, 1e-12) : new Tolerance(1e-6, 1e-5);
    }

    /** Derivatives against central finite differences in float64: atol 1e-10, rtol 1e-6. */
    public static Tolerance finiteDifferences() {
        return new Tolerance(1e-10, 1e-6);
    }

    public boolean close(double actual, double expected) {
        if (Double.isNaN(actual) || Double.isNaN(expected)) {
            return Double.isNaN(actual) && Double.isNaN(expected);
        }
        if (Double.isInfinite(expected)) {
            return actual == expected;
        }
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }

    /**
     * Fails with the first offending index, both values and the largest error if any element is not close.
     *
     * @param what names the quantity in the failure message
     */
    public void assertClose(String what, double[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length);
        }
        int first = -1;
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            if (!close(actual[i], expected[i])) {
                if (first < 0) {
                    first = i;
                }
                worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i])));
            }
        }
        if (first >= 0) {
            throw new AssertionError(String.format(
                    "%s: element %d is %.17g, expected %.17g (atol %.1e, rtol %.1e; worst error %.3g× the tolerance)",
                    what, first, actual[first], expected[first], atol, rtol, worst));
        }
    }
}
