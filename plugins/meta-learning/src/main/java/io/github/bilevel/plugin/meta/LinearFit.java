package io.github.bilevel.plugin.meta;

import java.util.LinkedHashMap;
import java.util.Map;

/** Least-squares line {@code y ≈ intercept + slope·x} and its coefficient of determination R². */
record LinearFit(double slope, double intercept, double r2) {

    static LinearFit of(double[] x, double[] y) {
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

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slope_seconds_per_inner_step", slope);
        m.put("intercept_seconds", intercept);
        m.put("r2", r2);
        return m;
    }
}
