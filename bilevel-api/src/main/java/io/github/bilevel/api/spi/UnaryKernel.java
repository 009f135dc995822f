package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** Elementwise kernels of one input. */
@API(status = STABLE, since = "0.1")
public enum UnaryKernel {
    NEG, EXP, LOG, SQRT, SQUARE, TANH, SIGMOID, RELU, ABS,
    /** -1, 0 or 1. */
    SIGN
}
