package io.github.bilevel.api.outer;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** The outer learning rate at outer iteration k (0-based). */
@API(status = STABLE, since = "0.1")
@FunctionalInterface
public interface LearningRateSchedule {
    double at(int k);

    static LearningRateSchedule constant(double lr) {
        check(lr);
        return k -> lr;
    }

    /** {@code lr · factor^⌊k / every⌋}. */
    static LearningRateSchedule step(double lr, int every, double factor) {
        check(lr);
        if (every < 1 || !(factor > 0)) {
            throw new IllegalArgumentException("Step schedule needs every >= 1 and factor > 0, got " + every + ", " + factor);
        }
        return k -> lr * Math.pow(factor, k / every);
    }

    /** {@code lr · gamma^k}. */
    static LearningRateSchedule exponential(double lr, double gamma) {
        check(lr);
        if (!(gamma > 0)) {
            throw new IllegalArgumentException("Exponential schedule needs gamma > 0, got " + gamma);
        }
        return k -> lr * Math.pow(gamma, k);
    }

    /** {@code lr / (1 + decay · k)}. */
    static LearningRateSchedule inverse(double lr, double decay) {
        check(lr);
        if (!(decay >= 0)) {
            throw new IllegalArgumentException("Inverse-decay schedule needs decay >= 0, got " + decay);
        }
        return k -> lr / (1 + decay * k);
    }

    private static void check(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("Learning rate must be a positive number, got " + lr);
        }
    }
}
