package io.github.bilevel.cli;

import io.github.bilevel.core.outer.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;

/**
 * A run's history rows, kept in history.csv as they change: a row added at the end is appended to the file (and
 * flushed); any other change (clearing, removing, replacing, inserting: a resumed outer loop replaces its rows by
 * those of its checkpoint) rewrites the file atomically. Created with the header only, so a resumed run drops the
 * rows a killed run wrote past its checkpoint. Views ({@link #subList}) write through.
 */
final class LiveHistory extends AbstractList<double[]> implements RandomAccess {
    private final Path file;
    private final List<String> columns;
    private final List<double[]> rows = new ArrayList<>();

    LiveHistory(Path file, List<String> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("history.csv needs at least one column");
        }
        this.file = file;
        this.columns = List.copyOf(columns);
        rewrite();
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized double[] get(int index) {
        return rows.get(index);
    }

    @Override
    public synchronized Object[] toArray() {
        return super.toArray(); // a consistent snapshot for a reader on another thread (List.copyOf)
    }

    @Override
    public synchronized <T> T[] toArray(T[] a) {
        return super.toArray(a);
    }

    @Override
    public synchronized int size() {
        return rows.size();
    }

    @Override
    public synchronized void add(int index, double[] row) {
        check(row);
        rows.add(index, row);
        modCount++;
        if (index == rows.size() - 1) {
            append(List.of(row));
        } else {
            rewrite();
        }
    }

    @Override
    public synchronized boolean addAll(Collection<? extends double[]> c) {
        return addAll(rows.size(), c);
    }

    @Override
    public synchronized boolean addAll(int index, Collection<? extends double[]> c) {
        List<double[]> added = new ArrayList<>(c);
        added.forEach(this::check);
        if (added.isEmpty()) {
            return false;
        }
        boolean atEnd = index == rows.size();
        rows.addAll(index, added);
        modCount++;
        if (atEnd) {
            append(added);
        } else {
            rewrite();
        }
        return true;
    }

    @Override
    public synchronized double[] set(int index, double[] row) {
        check(row);
        double[] old = rows.set(index, row);
        rewrite();
        return old;
    }

    @Override
    public synchronized double[] remove(int index) {
        double[] old = rows.remove(index);
        modCount++;
        rewrite();
        return old;
    }

    @Override
    protected synchronized void removeRange(int from, int to) {
        rows.subList(from, to).clear();
        modCount++;
        rewrite();
    }

    @Override
    public synchronized void clear() {
        removeRange(0, rows.size());
    }

    private void check(double[] row) {
        if (row == null || row.length != columns.size()) {
            throw new IllegalArgumentException("A history row needs " + columns.size() + " values " + columns
                    + ", got " + (row == null ? "null" : row.length));
        }
    }

    private void append(List<double[]> added) {
        StringBuilder b = new StringBuilder();
        added.forEach(r -> RunOutputs.csvRow(b, r));
        try {
            Files.writeString(file, b, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    private void rewrite() {
        try {
            AtomicFiles.write(file, RunOutputs.csv(columns, rows));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
