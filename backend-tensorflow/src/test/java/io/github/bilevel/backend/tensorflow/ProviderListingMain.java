package io.github.bilevel.backend.tensorflow;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Run in a fresh JVM by {@link TensorFlowBackendTest}: lists the providers as discovery does, reports whether the
 * TensorFlow native library is mapped into the process, then creates the backend and reports again. Prints
 * {@code listed=<mapped> created=<mapped>}.
 */
public final class ProviderListingMain {
    private ProviderListingMain() {
    }

    private static boolean nativeLoaded() throws IOException {
        return Files.readString(Path.of("/proc/self/maps")).contains("libtensorflow");
    }

    public static void main(String[] args) throws IOException {
        BackendProvider found = null;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            p.description();
            if (p.isAvailable() && p.id().equals(TensorFlowBackendProvider.ID) && p.priority() > 0) {
                found = p;
            }
        }
        if (found == null) {
            throw new IllegalStateException("the TensorFlow provider was not discovered");
        }
        boolean listed = nativeLoaded();
        try (Backend b = found.create(BackendConfig.defaults())) {
            b.id();
        }
        System.out.println("listed=" + listed + " created=" + nativeLoaded());
    }
}
