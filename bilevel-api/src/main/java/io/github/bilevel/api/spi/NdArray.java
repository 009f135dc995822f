package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import org.apiguardian.api.API;

/**
 * A backend's native array. Each array returned by a {@link Backend} kernel is its own owner: closing it never affects
 * another array. A backend may let an array share an immutable buffer with an input (TensorFlow does for a reshape);
 * each array then holds a reference, and the buffer is freed with the last one. The core closes every array it
 * receives exactly once.
 */
@API(status = STABLE, since = "0.1")
public interface NdArray extends AutoCloseable {
    /** Never null. */
    Shape shape();

    /** Never null. */
    DType dtype();

    /**
     * The logical size of this array in bytes: element count times element size. Arrays that share a buffer each
     * report its full size, so the sum over arrays may exceed the native memory in use.
     */
    default long byteSize() {
        return shape().size() * dtype().bytes();
    }

    /** Frees the native memory. Idempotent. */
    @Override
    void close();
}
