package io.github.bilevel.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Axis tick labels and the axis ranges behind them: round numbers, at most four significant digits. */
final class TickFormat {
    static final int SIGNIFICANT = 4;

    private TickFormat() {
    }

    /**
     * {@code v} with at most four significant digits, without trailing zeros after the point and always with a digit
     * before it: {@code 0.05}, {@code 0.5587}, {@code 30000}; scientific below 0.001 and from 100,000 on
     * ({@code 5e-4}, {@code 2.5e6}).
     */
    static String format(double v) {
        if (!Double.isFinite(v)) {
            return "";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(SIGNIFICANT, RoundingMode.HALF_EVEN))
                .stripTrailingZeros();
        double abs = Math.abs(d.doubleValue());
        if (abs >= 1e-3 && abs < 1e5) {
            return d.toPlainString();
        }
        int exponent = d.precision() - d.scale() - 1;
        BigDecimal mantissa = d.movePointLeft(exponent).stripTrailingZeros();
        return mantissa.toPlainString() + "e" + exponent;
    }

    /**
     * The range an axis shows for data from {@code lo} to {@code hi}: widened to at least 2% of the larger magnitude
     * (so that four significant digits tell the ticks apart), padded by {@code pad} of the span on each side (not
     * below zero for data that is not negative) and rounded out to a multiple of a 1, 2 or 5 step of
     * about a twentieth of the span.
     */
    static double[] range(double lo, double hi, double pad) {
        if (!(Double.isFinite(lo) && Double.isFinite(hi))) {
            return new double[] {0, 1};
        }
        double magnitude = Math.max(Math.abs(lo), Math.abs(hi));
        double minSpan = magnitude == 0 ? 1 : 0.02 * magnitude;
        if (hi - lo < minSpan) {
            double centre = (lo + hi) / 2;
            boolean nonNegative = lo >= 0;
            lo = centre - minSpan / 2;
            hi = centre + minSpan / 2;
            if (nonNegative && lo < 0) {
                hi -= lo;
                lo = 0;
            }
        }
        double span = hi - lo;
        double paddedLo = lo - pad * span;
        lo = lo >= 0 && paddedLo < 0 ? 0 : paddedLo;
        hi = hi + pad * span;
        double step = niceStep((hi - lo) / 20);
        BigDecimal s = BigDecimal.valueOf(step);
        return new double[] {s.multiply(BigDecimal.valueOf(Math.floor(lo / step + 1e-9))).doubleValue(),
            s.multiply(BigDecimal.valueOf(Math.ceil(hi / step - 1e-9))).doubleValue()};
    }

    /** The smallest 1, 2 or 5 times a power of ten that is at least {@code rough}. */
    static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough * (1 - 1e-9)) {
                return m * power;
            }
        }
        return 10 * power;
    }
}
