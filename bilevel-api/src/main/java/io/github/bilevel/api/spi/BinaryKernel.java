package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** Elementwise kernels of two inputs of the same shape and dtype. Comparisons return 1 or 0 in that dtype. */
@API(status = STABLE, since = "0.1")
public enum BinaryKernel {
    ADD, SUB, MUL, DIV, POW, GREATER, EQUAL
}
