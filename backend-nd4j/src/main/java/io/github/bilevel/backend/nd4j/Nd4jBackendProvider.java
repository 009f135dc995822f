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

    @Override
    public String description() {
        return "ND4J 1.0.0-M2.1 (CPU, OpenBLAS)";
    }

    @Override
    public boolean isAvailable() {
        try {
            Class.forName("org.nd4j.linalg.factory.Nd4j", false, Nd4jBackendProvider.class.getClassLoader());
            Class.forName("org.nd4j.linalg.cpu.nativecpu.CpuBackend", false, Nd4jBackendProvider.class.getClassLoader());
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
                    + "OpenBLAS must be on the class path; ND4J cannot run on the module path): " + e, e);
        }
    }
}
