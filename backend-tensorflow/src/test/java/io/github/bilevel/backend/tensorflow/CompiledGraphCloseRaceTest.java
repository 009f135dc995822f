package io.github.bilevel.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A compiled graph closed while another thread runs it: each run either completes with the right numbers or fails
 * with the graph's own IllegalStateException; the session is never freed under a run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompiledGraphCloseRaceTest {
    private static final int N = 16;
    private Backend backend;

    @BeforeAll
    void open() {
        backend = new TensorFlowBackendProvider().create(BackendConfig.defaults());
    }

    @AfterAll
    void close() {
        backend.close();
    }

    private static final int INPUTS = 200;

    /**
     * tanh(x·x)·x and the concatenation of many small inputs: a run feeds every input before TensorFlow runs
     * anything, so a close has a wide window to land in the middle of a run.
     */
    private static KernelGraph graph() {
        KernelGraph.Signature s = new KernelGraph.Signature(Shape.of(N, N), DType.FLOAT64);
        KernelGraph.Signature one = new KernelGraph.Signature(Shape.of(1), DType.FLOAT64);
        List<KernelGraph.Signature> inputs = new ArrayList<>();
        inputs.add(s);
        int[] small = new int[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            inputs.add(one);
            small[i] = i + 1;
        }
        int first = INPUTS + 1;
        return new KernelGraph(inputs, List.of(
                new KernelGraph.Call(KernelAttributes.Matmul.of(false, false), new int[] {0, 0}, s),
                new KernelGraph.Call(new KernelAttributes.Unary(UnaryKernel.TANH), new int[] {first}, s),
                new KernelGraph.Call(KernelAttributes.Matmul.of(false, false), new int[] {first + 1, 0}, s),
                new KernelGraph.Call(new KernelAttributes.Concat(0), small,
                        new KernelGraph.Signature(Shape.of(INPUTS), DType.FLOAT64))),
                new int[] {first + 2, first + 3});
    }

    @Test
    void aCloseDuringARunWaitsForItsEnd() throws Exception {
        GraphCompiler compiler = backend.capability(GraphCompiler.class).orElseThrow();
        KernelGraph.Signature s = new KernelGraph.Signature(Shape.of(2), DType.FLOAT64);
        KernelGraph g = new KernelGraph(List.of(s, s), List.of(
                new KernelGraph.Call(new KernelAttributes.Binary(BinaryKernel.ADD), new int[] {0, 1}, s)),
                new int[] {2});
        NdArray a = backend.fromDoubles(new double[] {1, 2}, Shape.of(2), DType.FLOAT64);
        NdArray b = backend.fromDoubles(new double[] {10, 20}, Shape.of(2), DType.FLOAT64);
        GraphCompiler.Compiled c = compiler.compile(g);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Thread[] runner = new Thread[1];
        try {
            Future<double[]> run;
            // Holding the second input's lock stops the run while it feeds its inputs: past its check that the graph
            // is open, before TensorFlow runs the session.
            synchronized (b) {
                run = pool.submit(() -> {
                    runner[0] = Thread.currentThread();
                    List<NdArray> out = c.run(List.of(a, b));
                    double[] v = backend.toDoubles(out.get(0));
                    out.get(0).close();
                    return v;
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (runner[0] == null || runner[0].getState() != Thread.State.BLOCKED) {
                    assertTrue(System.nanoTime() < deadline, "the run never reached its feeds");
                    Thread.sleep(1);
                }
                c.close();
            }
            assertArrayEquals(new double[] {11, 22}, run.get(30, TimeUnit.SECONDS), 0.0,
                    "a run under way when its graph is closed finishes");
            IllegalStateException after = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> c.run(List.of(a, b)));
            assertTrue(after.getMessage().startsWith("Compiled graph used after close"), after.getMessage());
        } finally {
            pool.shutdownNow();
            a.close();
            b.close();
        }
    }

    @Test
    void closeRacingRunsEitherLetsThemFinishOrRefusesThemClearly() throws Exception {
        GraphCompiler compiler = backend.capability(GraphCompiler.class).orElseThrow();
        KernelGraph g = graph();
        double[] values = new double[N * N];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.sin(i) / N;
        }
        List<NdArray> feeds = new ArrayList<>();
        feeds.add(backend.fromDoubles(values, Shape.of(N, N), DType.FLOAT64));
        for (int i = 0; i < INPUTS; i++) {
            feeds.add(backend.fromDoubles(new double[] {i}, Shape.of(1), DType.FLOAT64));
        }
        double[] expected;
        try (GraphCompiler.Compiled c = compiler.compile(g)) {
            List<NdArray> out = c.run(feeds);
            expected = backend.toDoubles(out.get(0));
            out.forEach(NdArray::close);
        }
        int threads = 2;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try {
            for (int round = 0; round < 10; round++) {
                GraphCompiler.Compiled c = compiler.compile(g);
                CountDownLatch started = new CountDownLatch(threads);
                List<Future<?>> runs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    runs.add(pool.submit(() -> {
                        started.countDown();
                        for (int k = 0; k < 12; k++) {
                            List<NdArray> out;
                            try {
                                out = c.run(feeds);
                            } catch (IllegalStateException e) {
                                assertTrue(e.getMessage().startsWith("Compiled graph used after close"),
                                        "not the graph's own refusal: " + e);
                                refused.incrementAndGet();
                                return null;
                            }
                            assertArrayEquals(expected, backend.toDoubles(out.get(0)), 0.0);
                            out.forEach(NdArray::close);
                            completed.incrementAndGet();
                        }
                        return null;
                    }));
                }
                started.await();
                Thread.sleep(round % 3);
                c.close();
                for (Future<?> f : runs) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
            feeds.forEach(NdArray::close);
        }
        assertTrue(completed.get() > 0, "no run completed");
    }
}
