package io.github.bilevel.backend.nd4j;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Closed arrays kept for reuse as results of the same dtype and shape. Making an ND4J array costs about 7 µs (a
 * native allocation, its shape buffer, a deallocator registration) where a kernel on a 50 × 10 array costs 3: a
 * replayed region makes the same shapes step after step, so reusing them halves the time of small steps. Only
 * small arrays are kept (large ones cost more to compute than to allocate), with a bound on the bytes held.
 * Thread-safe.
 */
final class ArrayPool {
    /** Arrays up to this size are kept: 1 MiB. */
    static final long MAX_ARRAY_BYTES = 1L << 20;
    /** At most this much is held in all: 64 MiB. */
    static final long MAX_POOLED_BYTES = 64L << 20;
    private static final int MAX_PER_SHAPE = 64;

    private record Key(DataType type, long[] shape) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.type == type && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return type.hashCode() * 31 + Arrays.hashCode(shape);
        }
    }

    private record Filled(DataType type, long[] shape, long valueBits) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Filled f && f.type == type && f.valueBits == valueBits && Arrays.equals(f.shape, shape);
        }

        @Override
        public int hashCode() {
            return (type.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(valueBits);
        }
    }

    private static final int MAX_FILLED = 256;

    private final Map<Key, ConcurrentLinkedDeque<INDArray>> free = new ConcurrentHashMap<>();
    private final Map<Filled, INDArray> filled = new ConcurrentHashMap<>();
    private final AtomicLong pooledBytes = new AtomicLong();
    private volatile boolean closed;

    /** A 'c'-ordered array of this dtype and shape whose contents are undefined: the caller overwrites them all. */
    INDArray take(DataType type, long[] shape) {
        ConcurrentLinkedDeque<INDArray> q = free.get(new Key(type, shape));
        INDArray a = q == null ? null : q.pollFirst();
        if (a != null) {
            pooledBytes.addAndGet(-bytes(a));
            return a;
        }
        return Nd4j.createUninitialized(type, shape, 'c');
    }

    /**
     * A shared, read-only array of this dtype and shape with every element {@code value}, or null when it would not
     * be kept (too large, or too many kept already). Never hand it out as a result: copy it, or use it as an input.
     */
    INDArray filled(DataType type, long[] shape, double value) {
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        if (closed || length * type.width() > MAX_ARRAY_BYTES) {
            return null;
        }
        Filled key = new Filled(type, shape, Double.doubleToRawLongBits(value));
        INDArray a = filled.get(key);
        if (a == null && filled.size() < MAX_FILLED) {
            a = filled.computeIfAbsent(key, k -> Nd4j.valueArrayOf(k.shape(), value, k.type()));
        }
        return a;
    }

    /** Takes back an array nothing uses any more (its wrapper was closed), or frees it. */
    void give(INDArray a) {
        long b = bytes(a);
        if (closed || a.isView() || a.ordering() != 'c' || b > MAX_ARRAY_BYTES) {
            free(a);
            return;
        }
        ConcurrentLinkedDeque<INDArray> q = free.computeIfAbsent(new Key(a.dataType(), a.shape()),
                k -> new ConcurrentLinkedDeque<>());
        if (pooledBytes.addAndGet(b) > MAX_POOLED_BYTES || q.size() >= MAX_PER_SHAPE) {
            pooledBytes.addAndGet(-b);
            free(a);
            return;
        }
        q.addFirst(a);
    }

    /** Bytes held for reuse. */
    long pooledBytes() {
        return Math.max(0, pooledBytes.get());
    }

    /** Frees everything held; later arrays given back are freed at once. */
    void close() {
        closed = true;
        filled.values().forEach(ArrayPool::free);
        filled.clear();
        for (ConcurrentLinkedDeque<INDArray> q : free.values()) {
            for (INDArray a; (a = q.pollFirst()) != null; ) {
                pooledBytes.addAndGet(-bytes(a));
                free(a);
            }
        }
    }

    private static long bytes(INDArray a) {
        return a.length() * a.dataType().width();
    }

    private static void free(INDArray a) {
        if (a.closeable()) {
            a.close();
        }
    }
}
