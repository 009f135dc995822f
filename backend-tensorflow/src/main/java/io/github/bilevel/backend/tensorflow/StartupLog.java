package io.github.bilevel.backend.tensorflow;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Keeps TensorFlow's two informational start-up lines off the screen when its informational log is off
 * ({@code TF_CPP_MIN_LOG_LEVEL} 1 or more, as the launcher sets it).
 *
 * <p>The first graph a session runs passes through TensorFlow's MLIR V1 compatibility pass, which logs once per
 * process through the copy of absl linked statically (and hidden) into {@code libtensorflow_cc}: "MLIR V1 optimization
 * pass is not enabled", preceded by absl's "All log messages before absl::InitializeLog() is called are written to
 * STDERR". That copy of absl reads neither {@code TF_CPP_MIN_LOG_LEVEL} nor any environment variable, no session
 * option avoids the pass for a non-function graph (it logs either way), and its log level cannot be set from outside.
 * So the first run happens here, on a one-constant graph, with the process's file descriptor 2 pointing into a
 * temporary file; afterwards whatever else was written there is written back to it, only those two lines left out.
 *
 * <p>Redirecting a file descriptor needs {@code dup}/{@code dup2}, called through JNA when it is on the class path (it
 * comes with ND4J, and the launcher always carries it); without JNA, or off Linux and macOS, nothing is done and the
 * two lines appear.
 */
final class StartupLog {
    /** Lines of TensorFlow's start-up that carry no information for a user. */
    static final List<String> NOISE = List.of("All log messages before absl::InitializeLog() is called",
            "MLIR V1 optimization pass is not enabled");

    private StartupLog() {
    }

    /** Whether TensorFlow's informational messages are off ({@code TF_CPP_MIN_LOG_LEVEL} of 1 or more). */
    static boolean infoOff() {
        String level = System.getenv("TF_CPP_MIN_LOG_LEVEL");
        try {
            return level != null && Integer.parseInt(level.trim()) >= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Runs {@code firstRun} with the start-up lines kept off standard error, when that is possible. */
    static void quietly(Runnable firstRun) {
        Libc libc = infoOff() ? Libc.find() : null;
        if (libc == null) {
            firstRun.run();
            return;
        }
        Path file;
        try {
            file = Files.createTempFile("bilevel-tf-startup", ".log");
        } catch (IOException e) {
            firstRun.run();
            return;
        }
        int saved = -1;
        int target = -1;
        try {
            saved = libc.call("dup", 2);
            target = libc.call("creat", file.toString(), 0600);
            if (saved < 0 || target < 0 || libc.call("dup2", target, 2) < 0) {
                firstRun.run();
                return;
            }
            try {
                firstRun.run();
            } finally {
                libc.call("dup2", saved, 2);
            }
        } finally {
            if (saved >= 0) {
                libc.call("close", saved);
            }
            if (target >= 0) {
                libc.call("close", target);
            }
            replay(file, libc);
        }
    }

    /** Writes back to file descriptor 2 (natively, as it was written) what it received, less the start-up lines. */
    private static void replay(Path file, Libc libc) {
        try {
            // bytes decoded leniently (native code may write anything), the file removed whatever happens
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            StringBuilder kept = new StringBuilder();
            text.lines().filter(l -> NOISE.stream().noneMatch(l::contains)).forEach(l -> kept.append(l).append('\n'));
            byte[] bytes = kept.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0) {
                libc.call("write", 2, bytes, bytes.length);
            }
        } catch (IOException e) {
            // the temporary file is gone: nothing to copy back
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    /** The C library through JNA's {@code NativeLibrary}, found by reflection (JNA lives on the class path). */
    private static final class Libc {
        private final Object library;
        private final Method getFunction;
        private final Method invokeInt;

        private Libc(Object library, Method getFunction, Method invokeInt) {
            this.library = library;
            this.getFunction = getFunction;
            this.invokeInt = invokeInt;
        }

        static Libc find() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (!os.contains("linux") && !os.contains("mac")) {
                return null;
            }
            try {
                ClassLoader loader = ClassLoader.getSystemClassLoader();
                Class<?> nativeLibrary = Class.forName("com.sun.jna.NativeLibrary", true, loader);
                Class<?> function = Class.forName("com.sun.jna.Function", true, loader);
                Object c = nativeLibrary.getMethod("getInstance", String.class).invoke(null, "c");
                return new Libc(c, nativeLibrary.getMethod("getFunction", String.class),
                        function.getMethod("invokeInt", Object[].class));
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return null;
            }
        }

        int call(String name, Object... args) {
            try {
                return (Integer) invokeInt.invoke(getFunction.invoke(library, name), new Object[] {args});
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return -1;
            }
        }
    }
}
