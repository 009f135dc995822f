package io.github.bilevel.cli;

import io.github.bilevel.api.experiment.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * run.log in a run's output folder: every line the console shows (through {@link #tee}), and lines only the log gets
 * ({@link #line}: phases, checkpoints, results), each with a UTC timestamp. Appended to, so a resumed run continues
 * the log of the run it resumes. Lines written before {@link #attach} are kept and written first.
 */
final class RunLog implements AutoCloseable {
    static final String FILE = "run.log";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);

    private Writer out;
    private final List<String> pending = new ArrayList<>();
    private boolean broken;

    /** Starts writing to {@code dir}/run.log (appending). */
    synchronized void attach(Path dir) throws IOException {
        out = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        pending.forEach(this::write);
        pending.clear();
        flush();
    }

    /** One line for the log only. */
    synchronized void line(String text) {
        for (String l : text.split("\\R", -1)) {
            String stamped = TIME.format(Instant.now()) + " " + l;
            if (out == null) {
                pending.add(stamped);
            } else {
                write(stamped);
            }
        }
        flush();
    }

    private void write(String stamped) {
        if (broken) {
            return;
        }
        try {
            out.write(stamped);
            out.write('\n');
        } catch (IOException e) {
            broken = true; // the console still shows everything; a full disk must not end the run here
        }
    }

    private void flush() {
        if (out != null && !broken) {
            try {
                out.flush();
            } catch (IOException e) {
                broken = true;
            }
        }
    }

    /** {@code bar}, with a log line when the phase starts and one when it ends. */
    Progress phase(String label, long total, Progress bar) {
        line("start: " + label + " (" + total + " steps)");
        long start = System.nanoTime();
        return new Progress() {
            private long steps;
            private boolean closed;

            @Override
            public void step(String status) {
                steps++;
                bar.step(status);
            }

            @Override
            public void resumeAt(long done) {
                bar.resumeAt(done);
            }

            @Override
            public void timeBudget(double budgetSeconds, double spentSeconds) {
                bar.timeBudget(budgetSeconds, spentSeconds);
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    bar.close();
                    line(String.format(java.util.Locale.ROOT, "end: %s (%d steps in %.1f s)", label, steps,
                            (System.nanoTime() - start) / 1e9));
                }
            }
        };
    }

    /** A writer that writes to {@code console} and, line by line, to this log. */
    PrintWriter tee(PrintWriter console) {
        return new PrintWriter(new Writer() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public void write(char[] buf, int off, int len) {
                console.write(buf, off, len);
                synchronized (partial) {
                    for (int i = off; i < off + len; i++) {
                        char c = buf[i];
                        if (c == '\n') {
                            String l = partial.toString();
                            partial.setLength(0);
                            if (!l.isBlank()) { // a blank console line tells the log nothing
                                line(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
                            }
                        } else {
                            partial.append(c);
                        }
                    }
                }
            }

            @Override
            public void flush() {
                console.flush();
            }

            @Override
            public void close() {
                synchronized (partial) {
                    if (partial.length() > 0) {
                        line(partial.toString());
                        partial.setLength(0);
                    }
                }
                console.flush();
            }
        }, true);
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // nothing left to do
            }
            out = null;
        }
    }
}
