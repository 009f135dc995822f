package io.github.bilevel.backend.nd4j;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;

/** Cheap provider: nothing native loads until {@link #create}. */
public final class Nd4jBackendProvider implements BackendProvider {
    public static final String ID = "nd4j";

    @Override
    public String id() {
        return ID;
    }

    /** Below TensorFlow's, so TensorFlow wins when both are present. */
    @Override
    public int priority() {
        return 10;
    }

    /** ND4J's CPU backend (nd4j-native) and its CUDA backend (nd4j-cuda, the {@code gpu} build profile). */
    private static final String CPU = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    private static final String CUDA = "org.nd4j.linalg.jcublas.JCublasBackend";

    @Override
    public String description() {
        return present(CUDA) && !present(CPU) ? "ND4J 1.0.0-M2.1 (CUDA 11.6)" : "ND4J 1.0.0-M2.1 (CPU, OpenBLAS)";
    }

    /**
     * One: ND4J's OpenMP kernels on the small arrays of the embedded experiments lose more to waking threads than they
     * gain (quick hyper-cleaning on 2 cores: 16.5 s with one thread, 26.8 s with two; docs/BENCHMARKS.md).
     */
    @Override
    public int defaultThreads(int availableProcessors) {
        return 1;
    }

    @Override
    public boolean isAvailable() {
        return present("org.nd4j.linalg.factory.Nd4j") && (present(CPU) || present(CUDA));
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Nd4jBackendProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Backend create(BackendConfig config) {
        try {
            return new Nd4jBackend(config);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("Cannot load the ND4J native library (nd4j-native for linux-x86_64 and "
                    + "OpenBLAS, or with the gpu build nd4j-cuda-11.6 and CUDA 11.6's libraries, must be on the class "
                    + "path; ND4J cannot run on the module path): " + e, e);
        }
    }
}
