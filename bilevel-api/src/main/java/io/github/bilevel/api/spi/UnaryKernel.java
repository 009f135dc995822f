package io.github.bilevel.api.spi;

/** Elementwise kernels of one input. */
public enum UnaryKernel {
    NEG, EXP, LOG, SQRT, SQUARE, TANH, SIGMOID, RELU, ABS,
    /** -1, 0 or 1. */
    SIGN
}
