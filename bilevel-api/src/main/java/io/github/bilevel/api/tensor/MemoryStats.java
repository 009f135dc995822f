package io.github.bilevel.api.tensor;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Native memory held by live tensors of one engine, as counted by the engine: every array a backend returns is
 * counted at its element count times element size until the last tensor using it is closed.
 *
 * @param liveTensors tensors created and not yet closed
 * @param liveArrays  backend arrays not yet freed (tensors may share one array, see {@link Tensor#detach()})
 * @param liveBytes   bytes of those arrays
 * @param peakBytes   the highest {@code liveBytes} seen since the engine was created or {@link Ops#resetPeak()} was called
 */
@API(status = STABLE, since = "0.1")
public record MemoryStats(long liveTensors, long liveArrays, long liveBytes, long peakBytes) {
}
