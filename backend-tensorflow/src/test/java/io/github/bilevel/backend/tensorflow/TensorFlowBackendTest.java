package io.github.bilevel.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Capability;
import io.github.bilevel.api.spi.DeviceInfo;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The provider, array ownership and errors, the one-kernel graph cache, and concurrent use. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TensorFlowBackendTest {
    private Backend backend;

    @BeforeAll
    void open() {
        backend = new TensorFlowBackendProvider().create(BackendConfig.defaults());
    }

    @AfterAll
    void close() {
        backend.close();
    }

    // ---- provider ---------------------------------------------------------------------------------------------

    /**
     * The engine's memory figures are logical bytes (MemoryStats): a reshape on TensorFlow shares its input's buffer,
     * and both arrays count in full.
     */
    @Test
    void memoryFiguresCountLogicalBytesOfSharedBuffers() {
        try (io.github.bilevel.core.autodiff.Engine e = new io.github.bilevel.core.autodiff.Engine(backend,
                DType.FLOAT64)) {
            long before = e.memory().liveBytes();
            io.github.bilevel.api.tensor.Tensor x = e.constant(new double[1000], Shape.of(1000));
            io.github.bilevel.api.tensor.Tensor y = e.reshape(x, Shape.of(10, 100));
            assertEquals(before + 2 * 8000, e.memory().liveBytes(), "x and its reshape, 8,000 bytes each");
            y.close();
            assertEquals(before + 8000, e.memory().liveBytes());
            x.close();
            assertEquals(before, e.memory().liveBytes());
        }
    }

    @Test
    void providerIsFoundThroughServicesAndOutranksNd4j() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(found::add);
        BackendProvider tf = found.stream().filter(p -> p instanceof TensorFlowBackendProvider).findFirst()
                .orElseThrow();
        assertEquals("tensorflow", tf.id());
        assertEquals(20, tf.priority(), "above ND4J's 10");
        assertTrue(tf.isAvailable());
        assertTrue(tf.description().contains("TensorFlow Java"), tf.description());
        assertEquals("tensorflow", backend.id());
    }

    @Test
    void moduleDescriptorProvidesTheBackend() throws Exception {
        Path classes = Path.of(TensorFlowBackendProvider.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        Path descriptor = Files.isDirectory(classes) ? classes.resolve("module-info.class") : null;
        ModuleDescriptor d;
        if (descriptor != null) {
            try (InputStream in = Files.newInputStream(descriptor)) {
                d = ModuleDescriptor.read(in);
            }
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(classes.toFile());
                 InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
                d = ModuleDescriptor.read(in);
            }
        }
        assertEquals("io.github.bilevel.backend.tensorflow", d.name());
        assertTrue(d.provides().stream().anyMatch(p -> p.service().equals(BackendProvider.class.getName())
                && p.providers().equals(List.of(TensorFlowBackendProvider.class.getName()))), d.toString());
        assertTrue(d.requires().stream().anyMatch(r -> r.name().equals("tensorflow")), d.toString());
    }

    @Test
    void listingProvidersLoadsNoNativeCode() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ProviderListingMain.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        // created=true shows that the probe does see the library once it is loaded
        assertTrue(out.contains("listed=false created=true"), out);
    }

    @Test
    void capabilities() {
        DeviceInfo device = backend.capability(DeviceInfo.class).orElseThrow();
        assertEquals("cpu", device.device());
        assertTrue(device.detail().startsWith("TensorFlow 2."), device.detail());
        assertTrue(backend.capability(GraphCompiler.class).isPresent());
        interface Other extends Capability {
        }
        assertTrue(backend.capability(Other.class).isEmpty());
    }

    @Test
    void threadSettingIsAccepted() {
        try (Backend one = new TensorFlowBackendProvider().create(new BackendConfig(1));
             NdArray x = one.fromDoubles(new double[] {1, 2}, Shape.of(2), DType.FLOAT64);
             NdArray y = one.unary(UnaryKernel.SQUARE, x)) {
            assertArrayEquals(new double[] {1, 4}, one.toDoubles(y));
            assertTrue(one.capability(DeviceInfo.class).orElseThrow().detail().endsWith("intra-op threads 1"));
        }
    }

    // ---- arrays -----------------------------------------------------------------------------------------------

    @Test
    void float32RoundsAndFloat64Keeps() {
        double v = 0.1;
        try (NdArray f = backend.fromDoubles(new double[] {v}, Shape.scalar(), DType.FLOAT32);
             NdArray d = backend.fromDoubles(new double[] {v}, Shape.scalar(), DType.FLOAT64);
             NdArray g = backend.fromFloats(new float[] {0.1f, 2f}, Shape.of(2))) {
            assertEquals((float) v, backend.toDoubles(f)[0]);
            assertEquals(v, backend.toDoubles(d)[0]);
            assertArrayEquals(new double[] {0.1f, 2f}, backend.toDoubles(g));
            assertEquals(DType.FLOAT32, g.dtype());
            assertEquals(8, d.byteSize());
            assertEquals(8, g.byteSize());
        }
    }

    @Test
    void resultsOwnTheirMemory() {
        NdArray x = backend.fromDoubles(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3), DType.FLOAT64);
        NdArray same = backend.cast(x, DType.FLOAT64);
        NdArray reshaped = backend.reshape(x, Shape.of(3, 2));
        x.close();
        x.close(); // idempotent
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, backend.toDoubles(same));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, backend.toDoubles(reshaped));
        assertEquals(Shape.of(3, 2), reshaped.shape());
        same.close();
        reshaped.close();
        IllegalStateException used = assertThrows(IllegalStateException.class, () -> backend.toDoubles(x));
        assertTrue(used.getMessage().contains("after close"), used.getMessage());
    }

    @Test
    void emptyIndexListsAndZeroSizedArrays() {
        try (NdArray x = backend.fromDoubles(new double[] {1, 2, 3, 4}, Shape.of(2, 2), DType.FLOAT64);
             NdArray none = backend.gatherRows(x, new int[0]);
             NdArray zeros = backend.scatterAddRows(none, new int[0], 3)) {
            assertEquals(Shape.of(0, 2), none.shape());
            assertArrayEquals(new double[6], backend.toDoubles(zeros));
            assertEquals(Shape.of(3, 2), zeros.shape());
        }
        try (NdArray empty = backend.fromDoubles(new double[0], Shape.of(0, 3), DType.FLOAT32);
             NdArray sum = backend.reduceSum(empty, new int[] {0}, false)) {
            assertEquals(0, backend.toDoubles(empty).length);
            assertArrayEquals(new double[3], backend.toDoubles(sum));
        }
    }

    @Test
    void foreignArraysAndBadValuesAreRejected() {
        NdArray foreign = new ReferenceBackend().fromDoubles(new double[] {1}, Shape.of(1), DType.FLOAT64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.unary(UnaryKernel.EXP, foreign));
        assertTrue(e.getMessage().contains("did not create"), e.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> backend.fromDoubles(new double[3], Shape.of(2, 2), DType.FLOAT64));
        assertTrue(size.getMessage().contains("do not fill shape [2, 2]"), size.getMessage());
    }

    @Test
    void aClosedBackendRefusesWorkButItsArraysStayReadable() {
        Backend b = new TensorFlowBackendProvider().create(BackendConfig.defaults());
        NdArray x = b.fromDoubles(new double[] {4}, Shape.of(1), DType.FLOAT64);
        b.close();
        b.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.unary(UnaryKernel.SQRT, x));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> b.fromDoubles(new double[] {1}, Shape.of(1), DType.FLOAT64));
        assertArrayEquals(new double[] {4}, b.toDoubles(x));
        x.close();
    }

    // ---- one-kernel graphs ------------------------------------------------------------------------------------

    @Test
    void gatherIndicesAreFedSoEveryMinibatchReusesOneGraph() {
        try (TensorFlowBackend b = new TensorFlowBackend(BackendConfig.defaults());
             NdArray x = b.fromDoubles(new double[] {0, 10, 20, 30, 40}, Shape.of(5), DType.FLOAT64)) {
            for (int k = 0; k < 5; k++) {
                try (NdArray g = b.gatherRows(x, new int[] {k, (k + 2) % 5})) {
                    assertArrayEquals(new double[] {10 * k, 10 * ((k + 2) % 5)}, b.toDoubles(g));
                }
            }
            assertEquals(1, b.cache().builds(), "one graph for five index lists of the same length");
        }
    }

    @Test
    void theCacheIsBoundedAndRebuildsWhatItEvicted() {
        try (TensorFlowBackend b = new TensorFlowBackend(BackendConfig.defaults(), 2);
             NdArray x = b.fromDoubles(new double[] {1, 4}, Shape.of(2), DType.FLOAT64)) {
            UnaryKernel[] kernels = {UnaryKernel.SQRT, UnaryKernel.SQUARE, UnaryKernel.NEG, UnaryKernel.SQRT};
            double[][] expected = {{1, 2}, {1, 16}, {-1, -4}, {1, 2}};
            for (int i = 0; i < kernels.length; i++) {
                try (NdArray y = b.unary(kernels[i], x)) {
                    assertArrayEquals(expected[i], b.toDoubles(y));
                }
                assertTrue(b.cache().size() <= 2, "cache size " + b.cache().size());
            }
            assertEquals(4, b.cache().builds(), "sqrt was evicted and built again");
        }
    }

    @Test
    void concurrentKernelsOnATinyCacheStayCorrect() throws Exception {
        // Capacity 3 for 8 distinct calls: entries are evicted while other threads still run them.
        try (TensorFlowBackend b = new TensorFlowBackend(BackendConfig.defaults(), 3)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    work.add(pool.submit(() -> {
                        for (int k = 0; k < 300; k++) {
                            int n = 1 + (k + seed) % 8;
                            double[] v = new double[n];
                            for (int i = 0; i < n; i++) {
                                v[i] = i + seed;
                            }
                            try (NdArray a = b.fromDoubles(v, Shape.of(n), DType.FLOAT64);
                                 NdArray s = b.binary(BinaryKernel.ADD, a, a)) {
                                double[] got = b.toDoubles(s);
                                for (int i = 0; i < n; i++) {
                                    assertEquals(2.0 * (i + seed), got[i]);
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(b.cache().size() <= 3);
            assertFalse(b.cache().builds() < 8, "every distinct call was built");
        }
    }
}
