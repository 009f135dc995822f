package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.Tensor;

/**
 * An operation as data: a type with attributes (the implementing record), applied to input tensors. The forward
 * computation calls backend kernels; the derivative rule builds new operations through the {@link Engine}, so it is
 * itself differentiable and derivatives work to any order.
 */
interface Op {

    /** Computes the output from the input arrays. Must not close or modify the inputs. */
    NdArray forward(Backend backend, NdArray[] inputs);

    /**
     * The vector-Jacobian product: for each input i with {@code needed[i]}, the cotangent {@code gᵀ ∂out/∂input_i}
     * in the input's shape, or null when the derivative is zero.
     */
    Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed);

    /** Operations whose derivative is zero everywhere (comparisons, sign) return false: they are never differentiated. */
    default boolean differentiable() {
        return true;
    }

    default String name() {
        return getClass().getSimpleName();
    }
}
