package io.github.bilevel.api.tensor;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Memory held by live tensors of one engine, as counted by the engine: every array a backend returns is counted at
 * its logical size, element count times element size ({@link io.github.bilevel.api.spi.NdArray#byteSize()}), until the
 * last tensor using it is closed. These are logical bytes, not resident native bytes: where a backend lets two arrays
 * share one buffer (TensorFlow's reshape, or a cast to the same type) the buffer is counted once per array, so the
 * figures are an upper bound of the native memory the tensors hold.
 *
 * @param liveTensors tensors created and not yet closed
 * @param liveArrays  backend arrays not yet freed (tensors may share one array, see {@link Tensor#detach()})
 * @param liveBytes   logical bytes of those arrays
 * @param peakBytes   the highest {@code liveBytes} seen since the engine was created or {@link Ops#resetPeak()} was called
 */
@API(status = STABLE, since = "0.1")
public record MemoryStats(long liveTensors, long liveArrays, long liveBytes, long peakBytes) {
}
