package io.github.bilevel.core.autodiff;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * A plain float64 oracle for the property tests: NumPy broadcasting and reductions written as directly as possible
 * (one loop per output element, nothing shared with the backend), and central finite differences.
 */
final class Naive {
    private Naive() {
    }

    enum Reduction { SUM, MEAN, MAX }

    static int size(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** The multi-index of flat row-major position {@code f}. */
    static int[] unravel(int f, int[] dims) {
        int[] idx = new int[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = f % dims[i];
            f /= dims[i];
        }
        return idx;
    }

    static int ravel(int[] idx, int[] dims) {
        int f = 0;
        for (int i = 0; i < dims.length; i++) {
            f = f * dims[i] + idx[i];
        }
        return f;
    }

    /** The NumPy broadcast of shapes that are known to be compatible: aligned from the end, the larger size wins. */
    static int[] broadcastShape(int[]... shapes) {
        int rank = 0;
        for (int[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int j = rank - s.length + i;
                out[j] = Math.max(out[j], s[i]);
            }
        }
        return out;
    }

    /** The element of {@code values} (shape {@code dims}) that broadcasting puts at {@code outIdx}. */
    static double at(double[] values, int[] dims, int[] outIdx) {
        int[] idx = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            idx[i] = dims[i] == 1 ? 0 : outIdx[outIdx.length - dims.length + i];
        }
        return values[ravel(idx, dims)];
    }

    static double[] elementwise(DoubleBinaryOperator f, double[] x, int[] a, double[] y, int[] b) {
        int[] out = broadcastShape(a, b);
        double[] r = new double[size(out)];
        for (int i = 0; i < r.length; i++) {
            int[] idx = unravel(i, out);
            r[i] = f.applyAsDouble(at(x, a, idx), at(y, b, idx));
        }
        return r;
    }

    static double[] where(double[] c, int[] cs, double[] x, int[] a, double[] y, int[] b) {
        int[] out = broadcastShape(cs, a, b);
        double[] r = new double[size(out)];
        for (int i = 0; i < r.length; i++) {
            int[] idx = unravel(i, out);
            r[i] = at(c, cs, idx) != 0 ? at(x, a, idx) : at(y, b, idx);
        }
        return r;
    }

    /** Axes in {@code [0, rank)}, as NumPy reads negative ones. */
    static boolean[] reducedAxes(int rank, int... axes) {
        boolean[] reduced = new boolean[rank];
        for (int a : axes) {
            reduced[a < 0 ? a + rank : a] = true;
        }
        return reduced;
    }

    /** NumPy's result shape: reduced axes become 1 with keepdims, else they are dropped. */
    static int[] reducedShape(int[] dims, boolean keepDims, int... axes) {
        boolean[] reduced = reducedAxes(dims.length, axes);
        return keptOrDropped(dims, reduced, keepDims);
    }

    private static int[] keptOrDropped(int[] dims, boolean[] reduced, boolean keepDims) {
        return java.util.stream.IntStream.range(0, dims.length)
                .filter(i -> keepDims || !reduced[i])
                .map(i -> reduced[i] ? 1 : dims[i])
                .toArray();
    }

    /** Each output element gathers every input element that agrees with it on the axes that are not reduced. */
    static double[] reduce(Reduction kind, double[] x, int[] dims, int... axes) {
        boolean[] reduced = reducedAxes(dims.length, axes);
        int[] kept = keptOrDropped(dims, reduced, true);
        double[] out = new double[size(kept)];
        for (int o = 0; o < out.length; o++) {
            int[] oi = unravel(o, kept);
            double acc = kind == Reduction.MAX ? Double.NEGATIVE_INFINITY : 0.0;
            int count = 0;
            for (int f = 0; f < x.length; f++) {
                int[] fi = unravel(f, dims);
                boolean member = true;
                for (int i = 0; i < dims.length && member; i++) {
                    member = reduced[i] || fi[i] == oi[i];
                }
                if (member) {
                    acc = kind == Reduction.MAX ? Math.max(acc, x[f]) : acc + x[f];
                    count++;
                }
            }
            out[o] = kind == Reduction.MEAN ? acc / count : acc;
        }
        return out;
    }

    /**
     * The gradient of {@code f} at {@code x} by the fourth-order central stencil
     * {@code (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h}, one component at a time. The same stencil as the
     * testkit's FiniteDifferences, which depends on this module and so cannot be used by its tests.
     */
    static double[] centralGradient(ToDoubleFunction<double[]> f, double[] x, double h) {
        double[] g = new double[x.length];
        double[] p = x.clone();
        for (int j = 0; j < x.length; j++) {
            double[] fs = new double[4];
            double[] steps = {2 * h, h, -h, -2 * h};
            for (int s = 0; s < 4; s++) {
                p[j] = x[j] + steps[s];
                fs[s] = f.applyAsDouble(p);
            }
            p[j] = x[j];
            g[j] = (-fs[0] + 8 * fs[1] - 8 * fs[2] + fs[3]) / (12 * h);
        }
        return g;
    }

    /** Fails with the first element outside {@code |actual − expected| ≤ atol + rtol·|expected|}. */
    static void assertClose(String what, double[] actual, double[] expected, double atol, double rtol) {
        if (actual.length != expected.length) {
            throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length);
        }
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError(String.format("%s: element %d is %.17g, expected %.17g%n  actual   %s%n"
                        + "  expected %s", what, i, actual[i], expected[i], Arrays.toString(actual),
                        Arrays.toString(expected)));
            }
        }
    }
}
