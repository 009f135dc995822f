package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.tensor.MemoryStats;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts live tensors, live backend arrays and their logical bytes ({@link io.github.bilevel.api.spi.NdArray#byteSize})
 * for one engine; a buffer two arrays share counts once per array. Thread-safe.
 */
final class MemoryAccount {
    private final AtomicLong tensors = new AtomicLong();
    private final AtomicLong arrays = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    void tensorOpened() {
        tensors.incrementAndGet();
    }

    void tensorClosed() {
        tensors.decrementAndGet();
    }

    void arrayAllocated(long size) {
        arrays.incrementAndGet();
        long now = bytes.addAndGet(size);
        peak.accumulateAndGet(now, Math::max);
    }

    void arrayFreed(long size) {
        arrays.decrementAndGet();
        bytes.addAndGet(-size);
    }

    void resetPeak() {
        peak.set(bytes.get());
    }

    MemoryStats snapshot() {
        return new MemoryStats(tensors.get(), arrays.get(), bytes.get(), peak.get());
    }
}
