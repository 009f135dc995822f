package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A NaN or an infinity appeared in a loss, a gradient or a hypergradient. The message names the quantity, the inner
 * step (when inside the inner problem) and the outer iteration (once the outer loop knows it).
 */
@API(status = STABLE, since = "0.1")
public final class NonFiniteValueException extends ArithmeticException {
    private final String quantity;
    private final int innerStep;
    private final int outerIteration;
    private final double value;

    /**
     * @param quantity  what held the value, for example {@code inner loss} or {@code gradient of parameter 0}
     * @param innerStep 0-based inner step, or -1 outside the inner problem
     * @param value     the offending value (NaN or ±infinity)
     */
    public NonFiniteValueException(String quantity, int innerStep, double value) {
        this(quantity, innerStep, -1, value);
    }

    private NonFiniteValueException(String quantity, int innerStep, int outerIteration, double value) {
        super(message(quantity, innerStep, outerIteration, value));
        this.quantity = quantity;
        this.innerStep = innerStep;
        this.outerIteration = outerIteration;
        this.value = value;
    }

    private static String message(String quantity, int innerStep, int outerIteration, double value) {
        StringBuilder where = new StringBuilder();
        if (outerIteration >= 0) {
            where.append("outer iteration ").append(outerIteration);
        }
        if (innerStep >= 0) {
            where.append(where.length() > 0 ? ", " : "").append("inner step ").append(innerStep);
        }
        return "Non-finite value " + value + " in the " + quantity + (where.length() > 0 ? " at " + where : "");
    }

    /** The same report with the outer iteration (0-based) filled in. */
    public NonFiniteValueException atOuterIteration(int k) {
        NonFiniteValueException e = new NonFiniteValueException(quantity, innerStep, k, value);
        e.initCause(this);
        return e;
    }

    public String quantity() {
        return quantity;
    }

    /** 0-based inner step, or -1. */
    public int innerStep() {
        return innerStep;
    }

    /** 0-based outer iteration, or -1 when not known. */
    public int outerIteration() {
        return outerIteration;
    }

    public double value() {
        return value;
    }

    /** Throws if {@code v} is NaN or infinite. */
    public static void check(double v, String quantity, int innerStep) {
        if (!Double.isFinite(v)) {
            throw new NonFiniteValueException(quantity, innerStep, v);
        }
    }
}
