package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import org.apiguardian.api.API;

/**
 * A backend's native array. Each array returned by a {@link Backend} kernel owns its memory (never a view of an
 * input), so closing it never affects another array. The core closes every array it receives exactly once.
 */
@API(status = STABLE, since = "0.1")
public interface NdArray extends AutoCloseable {
    /** Never null. */
    Shape shape();

    /** Never null. */
    DType dtype();

    /** Bytes of native memory this array holds: element count times element size. */
    default long byteSize() {
        return shape().size() * dtype().bytes();
    }

    /** Frees the native memory. Idempotent. */
    @Override
    void close();
}
