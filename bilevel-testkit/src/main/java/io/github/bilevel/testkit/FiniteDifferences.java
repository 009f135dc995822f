package io.github.bilevel.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Finite-difference derivatives for checking analytic ones, in float64. Uses the fourth-order central stencil
 * {@code (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h}, whose truncation error is O(h⁴), so a step of 1e-3 leaves
 * an error dominated by rounding (about 1e-13 relative to the function's magnitude).
 */
public final class FiniteDifferences {
    /** The default step. */
    public static final double STEP = 1e-3;

    private FiniteDifferences() {
    }

    /** The gradient of a scalar function of several flat arrays, one component at a time. */
    public static List<double[]> gradient(Function<List<double[]>, Double> f, List<double[]> x, double h) {
        List<double[]> g = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            double[] gi = new double[x.get(i).length];
            for (int j = 0; j < gi.length; j++) {
                final int ii = i;
                final int jj = j;
                gi[j] = stencil(t -> f.apply(shift(x, ii, jj, t)), h);
            }
            g.add(gi);
        }
        return g;
    }

    /** The derivative of a vector-valued function along a direction: {@code d/dt F(x + t·v)} at 0, per component. */
    public static List<double[]> directional(Function<List<double[]>, List<double[]>> f, List<double[]> x,
                                             List<double[]> v, double h) {
        List<double[]> p2 = f.apply(along(x, v, 2 * h));
        List<double[]> p1 = f.apply(along(x, v, h));
        List<double[]> m1 = f.apply(along(x, v, -h));
        List<double[]> m2 = f.apply(along(x, v, -2 * h));
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < p1.size(); i++) {
            double[] o = new double[p1.get(i).length];
            for (int j = 0; j < o.length; j++) {
                o[j] = (-p2.get(i)[j] + 8 * p1.get(i)[j] - 8 * m1.get(i)[j] + m2.get(i)[j]) / (12 * h);
            }
            out.add(o);
        }
        return out;
    }

    /** The derivative at 0 of a scalar function of one variable. */
    public static double stencil(Function<Double, Double> f, double h) {
        return (-f.apply(2 * h) + 8 * f.apply(h) - 8 * f.apply(-h) + f.apply(-2 * h)) / (12 * h);
    }

    private static List<double[]> shift(List<double[]> x, int i, int j, double t) {
        List<double[]> y = new ArrayList<>(x);
        double[] xi = x.get(i).clone();
        xi[j] += t;
        y.set(i, xi);
        return y;
    }

    private static List<double[]> along(List<double[]> x, List<double[]> v, double t) {
        List<double[]> y = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            double[] xi = x.get(i).clone();
            for (int j = 0; j < xi.length; j++) {
                xi[j] += t * v.get(i)[j];
            }
            y.add(xi);
        }
        return y;
    }
}
