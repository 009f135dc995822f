package io.github.bilevel.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No main source file of any module is longer than {@value #MAX_LINES} lines: a file that grows past it holds more
 * than one concept and is split (tests and generated sources are not counted).
 */
class SourceFileSizeTest {
    static final int MAX_LINES = 450;

    /** The line count of every main Java source under {@code root}, by path relative to it. */
    static Map<String, Long> lineCounts(Path root) {
        Map<String, Long> out = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    // build output, installed packages and version control hold no sources of the project
                    boolean skip = name.equals("target") || name.equals("node_modules")
                            || name.startsWith(".") && !dir.equals(root);
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String relative = root.relativize(file).toString().replace('\\', '/');
                    if (relative.endsWith(".java") && relative.matches("(.+/)?src/main/java/.+")) {
                        try (Stream<String> lines = Files.lines(file)) {
                            out.put(relative, lines.count());
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The entries of {@code counts} over {@link #MAX_LINES}, as "path: lines". */
    static List<String> oversized(Map<String, Long> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() > MAX_LINES)
                .map(e -> e.getKey() + ": " + e.getValue()).toList();
    }

    @Test
    void noMainSourceFileIsLongerThanTheLimit() {
        // surefire runs in this module's folder; the project root is its parent
        Path root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isRegularFile(root.resolve("bilevel-core/pom.xml")), "project root not found at " + root);
        Map<String, Long> counts = lineCounts(root);
        assertTrue(counts.size() > 100, "the walk found too few sources under " + root + ": " + counts.size());
        assertEquals(List.of(), oversized(counts), "split these files (at most " + MAX_LINES + " lines)");
    }

    @Test
    void aPlantedLongFileIsReported(@TempDir Path dir) throws IOException {
        Path main = dir.resolve("some-module/src/main/java/p/Long.java");
        Path test = dir.resolve("some-module/src/test/java/p/LongTest.java");
        Path built = dir.resolve("some-module/target/generated-sources/src/main/java/p/Gen.java");
        for (Path p : List.of(main, test, built)) {
            Files.createDirectories(p.getParent());
            Files.write(p, Collections.nCopies(MAX_LINES + 1, "//"));
        }
        Files.write(dir.resolve("some-module/src/main/java/p/Short.java"), Collections.nCopies(MAX_LINES, "//"));
        assertEquals(List.of("some-module/src/main/java/p/Long.java: " + (MAX_LINES + 1)), oversized(lineCounts(dir)));
    }
}
