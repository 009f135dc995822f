package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;

/** Cheap provider: nothing native loads until {@link #create}. */
public final class TensorFlowBackendProvider implements BackendProvider {
    public static final String ID = "tensorflow";
    /** The TensorFlow Java release this backend is built and tested against. */
    static final String VERSION = "1.1.0";

    @Override
    public String id() {
        return ID;
    }

    /** Above ND4J's, so TensorFlow wins when both are present. */
    @Override
    public int priority() {
        return 20;
    }

    @Override
    public String description() {
        return "TensorFlow Java " + VERSION + " (CPU; compiled kernel graphs)";
    }

    @Override
    public boolean isAvailable() {
        ClassLoader loader = TensorFlowBackendProvider.class.getClassLoader();
        try {
            // Looked up without initialization: initializing these would load the native library.
            Class.forName("org.tensorflow.Session", false, loader);
            Class.forName("org.tensorflow.internal.c_api.global.tensorflow", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Backend create(BackendConfig config) {
        RunProfile.checkWritable(); // a setting's error, not the library's: before the library loads
        try {
            return new TensorFlowBackend(config);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("Cannot load the TensorFlow native library (tensorflow-core-native with "
                    + "the linux-x86_64 classifier, and javacpp, must be on the class path or module path): " + e, e);
        }
    }
}
