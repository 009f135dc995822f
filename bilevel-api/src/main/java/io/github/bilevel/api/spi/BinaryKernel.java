package io.github.bilevel.api.spi;

/** Elementwise kernels of two inputs of the same shape and dtype. Comparisons return 1 or 0 in that dtype. */
public enum BinaryKernel {
    ADD, SUB, MUL, DIV, POW, GREATER, EQUAL
}
