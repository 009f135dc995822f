package io.github.bilevel.backend.nd4j;

import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Wraps a 'c'-ordered INDArray that owns its buffer (never a view) and that no other wrapper holds; closing hands it
 * to the backend's pool for reuse.
 */
final class Nd4jArray implements NdArray {
    final INDArray array;
    private final Shape shape;
    private final DType dtype;
    private final ArrayPool pool;
    private boolean closed;

    Nd4jArray(INDArray array, Shape shape, DType dtype, ArrayPool pool) {
        this.array = array;
        this.shape = shape;
        this.dtype = dtype;
        this.pool = pool;
    }

    INDArray get() {
        if (closed) {
            throw new IllegalStateException("ND4J array used after close");
        }
        return array;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            pool.give(array);
        }
    }
}
