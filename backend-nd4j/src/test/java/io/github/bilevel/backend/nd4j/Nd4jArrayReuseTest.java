package io.github.bilevel.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Results reuse the arrays of closed results (ArrayPool) without ever sharing a buffer with a live array. */
class Nd4jArrayReuseTest {
    private static final Shape S = Shape.of(5, 4);
    private final Backend backend = new Nd4jBackendProvider().create(BackendConfig.defaults());

    @AfterEach
    void close() {
        backend.close();
    }

    private NdArray values(double start) {
        double[] v = new double[20];
        for (int i = 0; i < v.length; i++) {
            v[i] = start + i;
        }
        return backend.fromDoubles(v, S, DType.FLOAT64);
    }

    @Test
    void aClosedResultsArrayServesTheNextResultOfItsShapeAndLiveOnesKeepTheirValues() {
        NdArray a = values(0);
        NdArray b = values(100);
        NdArray sum = backend.binary(BinaryKernel.ADD, a, b);
        INDArray reused = ((Nd4jArray) sum).array;
        double[] expected = backend.toDoubles(sum);
        sum.close();
        NdArray product = backend.binary(BinaryKernel.MUL, a, b);
        assertSame(reused, ((Nd4jArray) product).array, "the closed result's array is reused");
        for (int i = 0; i < 20; i++) {
            assertEquals(i * (100.0 + i), backend.toDoubles(product)[i]);
        }
        assertEquals(0.0, backend.toDoubles(a)[0]);
        assertEquals(119.0, backend.toDoubles(b)[19]);
        assertEquals(100.0, expected[0]);
        assertThrows(IllegalStateException.class, () -> backend.toDoubles(sum), "a closed array stays closed");
    }

    @Test
    void filledArraysAreCopiesOfASharedTemplateNotTheTemplate() {
        NdArray first = backend.full(S, 3.0, DType.FLOAT64);
        NdArray second = backend.full(S, 3.0, DType.FLOAT64);
        assertNotSame(((Nd4jArray) first).array, ((Nd4jArray) second).array);
        first.close();
        NdArray third = backend.full(S, 3.0, DType.FLOAT64);
        NdArray broadcast = backend.broadcastTo(backend.fromDoubles(new double[] {1, 2, 3, 4}, Shape.of(1, 4),
                DType.FLOAT64), S);
        for (double v : backend.toDoubles(second)) {
            assertEquals(3.0, v);
        }
        for (double v : backend.toDoubles(third)) {
            assertEquals(3.0, v);
        }
        double[] b = backend.toDoubles(broadcast);
        assertEquals(1.0, b[0]);
        assertEquals(4.0, b[19]);
    }

    @Test
    void thePoolKeepsSmallArraysOnlyAndBoundsWhatItHolds() {
        ArrayPool pool = new ArrayPool();
        INDArray small = pool.take(DataType.DOUBLE, new long[] {10, 10});
        pool.give(small);
        assertEquals(800, pool.pooledBytes());
        assertSame(small, pool.take(DataType.DOUBLE, new long[] {10, 10}));
        assertEquals(0, pool.pooledBytes());
        INDArray large = pool.take(DataType.DOUBLE, new long[] {1 << 18});
        pool.give(large);
        assertEquals(0, pool.pooledBytes(), "arrays over 1 MiB are freed, not kept");
        List<INDArray> same = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            same.add(pool.take(DataType.FLOAT, new long[] {1 << 10}));
        }
        same.forEach(pool::give);
        assertEquals(64 * 4096, pool.pooledBytes(), "at most 64 arrays of one shape are kept");
        List<INDArray> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(pool.take(DataType.FLOAT, new long[] {(1 << 17) - i}));
        }
        many.forEach(pool::give);
        assertTrue(pool.pooledBytes() <= ArrayPool.MAX_POOLED_BYTES, "at most 64 MiB are kept");
        assertTrue(pool.pooledBytes() > ArrayPool.MAX_POOLED_BYTES - ArrayPool.MAX_ARRAY_BYTES);
        pool.close();
        assertEquals(0, pool.pooledBytes());
    }

    @Test
    void threadsRunningKernelsAtOnceGetTheResultsOfOneThread() throws Exception {
        NdArray a = values(1);
        NdArray b = values(7);
        double[] sum = backend.toDoubles(backend.binary(BinaryKernel.ADD, a, b));
        double[] quotient = backend.toDoubles(backend.binary(BinaryKernel.DIV, a, b));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                boolean add = t == 0;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        NdArray r = backend.binary(add ? BinaryKernel.ADD : BinaryKernel.DIV, a, b);
                        double[] v = backend.toDoubles(r);
                        r.close();
                        if (!java.util.Arrays.equals(v, add ? sum : quotient)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : runs) {
                assertEquals(true, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void sumsOverChangingAxesOnOneThreadEachGetTheirOwnAxes() {
        NdArray x = backend.fromDoubles(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3), DType.FLOAT64);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new double[] {5, 7, 9}, backend.toDoubles(backend.reduceSum(x, new int[] {0}, false)));
            assertArrayEquals(new double[] {6, 15}, backend.toDoubles(backend.reduceSum(x, new int[] {1}, true)));
            NdArray all = backend.reduceSum(x, new int[] {0, 1}, false);
            assertEquals(0, all.shape().rank());
            assertArrayEquals(new double[] {21}, backend.toDoubles(all));
        }
    }

    @Test
    void manyKernelCallsLeaveResidentMemoryFlat() throws Exception {
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.exists(status), "resident memory is read from /proc");
        NdArray a = values(1);
        NdArray b = values(2);
        for (int i = 0; i < 20_000; i++) {
            backend.binary(BinaryKernel.ADD, a, b).close();
        }
        // Native memory is resident memory less the heap: the collector may grow the heap meanwhile.
        Runtime jvm = Runtime.getRuntime();
        System.gc();
        long before = residentBytes(status) - jvm.totalMemory();
        // a context that kept its arrays' native wrappers grew by about 1 KB a call: 290 MB here
        for (int i = 0; i < 300_000; i++) {
            backend.binary(BinaryKernel.ADD, a, b).close();
        }
        System.gc();
        long grown = residentBytes(status) - jvm.totalMemory() - before;
        assertTrue(grown < 50L << 20, "native memory grew by " + (grown >> 20) + " MB over 300,000 calls");
    }

    private static long residentBytes(Path status) throws java.io.IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS line in " + status);
    }
}
