package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import org.tensorflow.types.family.TType;

/**
 * Wraps a host tensor ({@code TFloat32} or {@code TFloat64}) that this array owns. TensorFlow reference-counts tensor
 * buffers, so a result may share its buffer with an input (a reshape, a same-type cast); closing either only drops
 * its own reference, and the buffer is freed when the last one is closed. Nothing ever writes into a buffer after
 * it was created.
 */
final class TfArray implements NdArray {
    private final TType tensor;
    private final Shape shape;
    private final DType dtype;
    private boolean closed;

    TfArray(TType tensor, Shape shape, DType dtype) {
        this.tensor = tensor;
        this.shape = shape;
        this.dtype = dtype;
    }

    /** The tensor, for feeding; fails once closed. */
    synchronized TType tensor() {
        if (closed) {
            throw new IllegalStateException("TensorFlow array " + dtype + shape + " used after close");
        }
        return tensor;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tensor.close();
        }
    }

    @Override
    public String toString() {
        return "TfArray" + shape + " " + dtype + (closed ? " (closed)" : "");
    }
}
