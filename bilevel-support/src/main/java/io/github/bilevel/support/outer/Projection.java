package io.github.bilevel.support.outer;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.Constraint;
import org.apiguardian.api.API;

/** Euclidean projection onto a hyperparameter's feasible set. */
@API(status = STABLE, since = "0.1")
public final class Projection {
    private Projection() {
    }

    /** The closest point of the constraint's set to {@code x} (a new array). */
    public static double[] project(Constraint c, double[] x) {
        if (c instanceof Constraint.Unconstrained) {
            return x.clone();
        }
        if (c instanceof Constraint.Box b) {
            return clamp(x, 0, b.lo(), b.hi());
        }
        Constraint.BoxWithSumBound s = (Constraint.BoxWithSumBound) c;
        double[] p = clamp(x, 0, s.lo(), s.hi());
        if (sum(p) <= s.maxSum()) {
            return p;
        }
        if (s.lo() * x.length > s.maxSum()) {
            throw new IllegalArgumentException("Infeasible constraint: " + x.length + " elements >= " + s.lo()
                    + " cannot sum to at most " + s.maxSum());
        }
        // The projection is clamp(x − τ) for the τ > 0 where the sum meets the bound; the sum falls monotonically in τ.
        double lo = 0;
        double hi = 1;
        while (sum(clamp(x, hi, s.lo(), s.hi())) > s.maxSum()) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, hi); i++) {
            double mid = 0.5 * (lo + hi);
            if (sum(clamp(x, mid, s.lo(), s.hi())) > s.maxSum()) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return clamp(x, hi, s.lo(), s.hi());
    }

    private static double[] clamp(double[] x, double shift, double lo, double hi) {
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.min(hi, Math.max(lo, x[i] - shift));
        }
        return p;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
