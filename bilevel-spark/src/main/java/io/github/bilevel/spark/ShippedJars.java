package io.github.bilevel.spark;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The jars a driver ships to a cluster's executors ({@code spark.jars}): every jar of the driver's class path and
 * module path except Spark's own and its dependencies (which every executor's Spark home has: the file names listed in
 * {@code spark-jars.txt} at build time), and each class folder (an IDE's or a test's output) packed into a temporary
 * jar. Closing deletes the temporary jars.
 */
final class ShippedJars implements AutoCloseable {
    private final List<String> paths;
    private final List<Path> temporary;

    private ShippedJars(List<String> paths, List<Path> temporary) {
        this.paths = paths;
        this.temporary = temporary;
    }

    /**
     * @param classPath  the driver's class path, or null
     * @param modulePath the driver's module path, or null
     */
    static ShippedJars of(String classPath, String modulePath) {
        Set<String> spark = sparkJarNames();
        Set<Path> entries = new LinkedHashSet<>();
        for (String path : new String[] {classPath, modulePath}) {
            if (path != null) {
                for (String e : path.split(File.pathSeparator)) {
                    if (!e.isBlank()) {
                        entries.add(Path.of(e).toAbsolutePath().normalize());
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        List<Path> temporary = new ArrayList<>();
        try {
            for (Path e : entries) {
                if (Files.isDirectory(e)) {
                    Path jar = pack(e);
                    temporary.add(jar);
                    out.add(jar.toString());
                } else if (e.toString().endsWith(".jar") && Files.isRegularFile(e)
                        && !spark.contains(e.getFileName().toString())) {
                    out.add(e.toString());
                }
            }
        } catch (IOException e) {
            temporary.forEach(ShippedJars::delete);
            throw new UncheckedIOException("Cannot pack a class folder for the cluster: " + e.getMessage(), e);
        }
        return new ShippedJars(List.copyOf(out), temporary);
    }

    List<String> paths() {
        return paths;
    }

    /** The file names of Spark's jars and their dependencies, as resolved when this module was built. */
    static Set<String> sparkJarNames() {
        try (java.io.InputStream in = ShippedJars.class.getResourceAsStream("spark-jars.txt")) {
            if (in == null) {
                throw new IllegalStateException("spark-jars.txt is missing from bilevel-spark's jar");
            }
            Set<String> names = new java.util.HashSet<>();
            for (String p : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim()
                    .split(File.pathSeparator)) {
                names.add(Path.of(p.trim()).getFileName().toString());
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path pack(Path dir) throws IOException {
        Path jar = Files.createTempFile("bilevel-classes-", ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(f)) {
                    out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary file; the system's clean-up removes it
        }
    }

    @Override
    public void close() {
        temporary.forEach(ShippedJars::delete);
    }
}
