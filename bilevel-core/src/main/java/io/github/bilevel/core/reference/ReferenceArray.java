package io.github.bilevel.core.reference;

import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;

/** A row-major array on the Java heap. float32 values are stored rounded to float. */
final class ReferenceArray implements NdArray {
    final Shape shape;
    final DType dtype;
    final double[] data;
    private volatile boolean closed;

    ReferenceArray(Shape shape, DType dtype, double[] data) {
        this.shape = shape;
        this.dtype = dtype;
        this.data = data;
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) data[i];
            }
        }
    }

    double[] data() {
        if (closed) {
            throw new IllegalStateException("Array used after close");
        }
        return data;
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
    public void close() {
        closed = true;
    }
}
