package io.github.bilevel.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A run's output folder, created if needed, remembering what existed before so that a run that fails before its
 * first checkpoint can remove what it created (and only that).
 */
final class OutputFolder {
    private final Path dir;
    private final Path firstCreated;
    private final Set<Path> before;

    private OutputFolder(Path dir, Path firstCreated, Set<Path> before) {
        this.dir = dir;
        this.firstCreated = firstCreated;
        this.before = before;
    }

    /** Creates {@code dir} and its missing parents. */
    static OutputFolder create(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path first = null;
        for (Path p = abs; p != null && Files.notExists(p); p = p.getParent()) {
            first = p;
        }
        Set<Path> before = new HashSet<>();
        if (first == null && Files.isDirectory(abs)) {
            try (Stream<Path> list = Files.list(abs)) {
                list.forEach(before::add);
            }
        }
        Files.createDirectories(abs);
        return new OutputFolder(abs, first, before);
    }

    /** Why {@code e} could not create a folder, in words. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name exists";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Removes what was created since {@link #create}: the folder itself when it was new, else its new entries. */
    void removeCreated() throws IOException {
        if (firstCreated != null) {
            deleteTree(firstCreated);
            return;
        }
        List<Path> added;
        try (Stream<Path> list = Files.list(dir)) {
            added = list.filter(p -> !before.contains(p)).toList();
        }
        for (Path p : added) {
            deleteTree(p);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.notExists(root)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
