package io.github.bilevel.api.tensor;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * A function of tensors that {@link Ops#function} compiled: its first application to inputs of given shapes and dtypes
 * records the kernel calls, and later applications with inputs of those signatures run the compiled graph alone, with
 * no Java code of the body run again (no tracing, no differentiation). Its outputs carry no derivative history, and
 * the intermediates of the body are freed before {@link #apply} returns. Thread-safe (applications run one at a time).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface TensorFunction extends AutoCloseable {

    /**
     * Applies the function; the results are owned by the current scope.
     *
     * @throws IllegalArgumentException if an input belongs to another {@code Ops}
     * @throws IllegalStateException    if the function was closed, or its body reads a value back
     */
    List<Tensor> apply(List<Tensor> inputs);

    /**
     * Frees the compiled graphs and the constants the body made (counted in {@link Ops#memory()} until then).
     * Idempotent.
     */
    @Override
    void close();
}
