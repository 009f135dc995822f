package io.github.bilevel.support;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Least-squares line {@code y ≈ intercept + slope·x} and its coefficient of determination R² (1 when y is constant).
 */
@API(status = STABLE, since = "0.1")
public record LinearFit(double slope, double intercept, double r2) {

    /** The fit of {@code y} on {@code x}; all three NaN for fewer than two points or lengths that differ. */
    public static LinearFit of(double[] x, double[] y) {
        int n = x.length;
        if (n < 2 || y.length != n) {
            return new LinearFit(Double.NaN, Double.NaN, Double.NaN);
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double residual = 0;
        for (int i = 0; i < n; i++) {
            double e = y[i] - intercept - slope * x[i];
            residual += e * e;
        }
        return new LinearFit(slope, intercept, syy == 0 ? 1 : 1 - residual / syy);
    }
}
