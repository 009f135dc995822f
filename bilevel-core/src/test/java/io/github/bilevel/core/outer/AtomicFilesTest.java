package io.github.bilevel.core.outer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void replacesTheContentAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("results.json");
        AtomicFiles.write(file, "first\n");
        AtomicFiles.write(file, "second ü\n");
        assertEquals("second ü\n", Files.readString(file));
        try (var list = Files.list(dir)) {
            assertEquals(List.of(file), list.toList());
        }
    }

    @Test
    void theFileGetsTheModeOfAnOrdinaryNewFileNotTheTemporaryFilesOwnerOnlyMode(@TempDir Path dir)
            throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path ordinary = dir.resolve("ordinary.txt");
        Files.writeString(ordinary, "x"); // created with 0666 less the process's umask
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(ordinary);
        Path file = dir.resolve("history.csv");
        AtomicFiles.write(file, "x");
        assertEquals(expected, Files.getPosixFilePermissions(file));
        AtomicFiles.write(file, "y"); // a rewrite keeps it
        assertEquals(expected, Files.getPosixFilePermissions(file));
    }

    @Test
    void leftoversOfAKilledWriterAreRemoved(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("checkpoint-outer.json");
        Files.writeString(dir.resolve("checkpoint-outer.json.abc123.tmp"), "half");
        Files.writeString(dir.resolve("other.json.abc.tmp"), "keep");
        AtomicFiles.removeLeftovers(file);
        try (var list = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("other.json.abc.tmp")), list.toList());
        }
    }
}
