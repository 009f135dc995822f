package io.github.bilevel.cli;

import io.github.bilevel.api.InvalidInputException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressState;

/**
 * What a run shows while it works: messages (results, notes) and the progress of the current phase.
 *
 * <p>On a terminal the progress is one line at the bottom of the screen, redrawn in place; a message first erases
 * that line, is printed, and the line is drawn again beneath it, so messages stay on screen above the progress; when
 * a phase ends its line is erased and its final state (count, rate, time taken, status) printed as a message. When
 * the output is not a terminal (a file, a pipe), no control characters are written: the progress is a plain line every
 * {@link #LINE_INTERVAL_SECONDS} seconds and one when the phase ends.
 *
 * <p>Messages go to {@code messages} (the run's console, which may also be kept in a log); the terminal's progress
 * line and its erasures go to {@code screen} only.
 */
final class Console {
    /** How progress is shown: {@code auto} is {@code bar} on a terminal and {@code lines} otherwise. */
    enum Mode {
        AUTO, BAR, LINES, NONE;

        static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(s)) {
                    return m;
                }
            }
            throw new InvalidInputException("--progress must be auto, bar, lines or none, got '" + s + "'");
        }
    }

    /** Reads {@code --progress}: a bad value is a one-line usage error. */
    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            try {
                return Mode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value
                        + "' is not auto, bar, lines or none");
            }
        }
    }

    /** Seconds between two progress lines when the output is not a terminal. */
    static final double LINE_INTERVAL_SECONDS = 10;
    /** Erases the line the cursor is on and returns to its start. */
    static final String ERASE_LINE = "\r\033[2K";
    /** Erases from the cursor to the end of the line. */
    static final String ERASE_TO_END = "\033[K";

    private final PrintWriter messages;
    private final PrintWriter screen;
    private final Mode mode;
    private String shown; // the progress line on screen now, or null

    Console(PrintWriter messages, PrintWriter screen, Mode mode) {
        this.messages = messages;
        this.screen = screen;
        this.mode = mode == Mode.AUTO ? (onTerminal() ? Mode.BAR : Mode.LINES) : mode;
    }

    /** Whether standard input and output are a terminal (and not a dumb one). */
    static boolean onTerminal() {
        return System.console() != null && !"dumb".equalsIgnoreCase(System.getenv("TERM"));
    }

    Mode mode() {
        return mode;
    }

    /** One message on a line of its own, above the progress line. */
    synchronized void message(String line) {
        if (shown != null) {
            screen.print(ERASE_LINE);
            screen.flush();
        }
        messages.println(line);
        messages.flush();
        if (shown != null) {
            screen.print(shown + ERASE_TO_END);
            screen.flush();
        }
    }

    private synchronized void draw(String line) {
        shown = line;
        screen.print("\r" + line + ERASE_TO_END);
        screen.flush();
    }

    private synchronized void erase() {
        if (shown != null) {
            shown = null;
            screen.print(ERASE_LINE);
            screen.flush();
        }
    }

    /** Where one progress bar's rendered text goes, as this console shows progress. */
    ProgressBarConsumer consumer() {
        return mode == Mode.BAR ? new BarLine() : new PlainLines();
    }

    /** The terminal's progress line: drawn in place; when the phase ends, replaced by its final state as a message. */
    private final class BarLine implements ProgressBarConsumer {
        private final ConsoleProgressBarConsumer width = new ConsoleProgressBarConsumer(System.out);
        private boolean closed;
        private String last;

        @Override
        public int getMaxRenderedLength() {
            return 1000; // the whole text: it is cut to the terminal's width when drawn, and kept whole at the end
        }

        @Override
        public void accept(String rendered) {
            synchronized (Console.this) {
                if (!closed) {
                    last = rendered;
                    int w = width.getMaxRenderedLength();
                    // one column spare: a line as wide as the terminal wraps on some terminals and could not be erased
                    int fit = (w < 20 ? 80 : w) - 1;
                    draw(rendered.length() <= fit ? rendered : rendered.substring(0, fit));
                }
            }
        }

        @Override
        public void close() {
            synchronized (Console.this) {
                if (!closed) {
                    closed = true;
                    erase();
                    if (last != null) {
                        message(last);
                    }
                }
            }
        }
    }

    /** Plain progress lines among the messages: one every few seconds and the last when the phase ends. */
    private final class PlainLines implements ProgressBarConsumer {
        private long lastNanos = System.nanoTime();
        private String last;
        private boolean closed;

        @Override
        public int getMaxRenderedLength() {
            return 1000;
        }

        @Override
        public void accept(String rendered) {
            synchronized (Console.this) {
                last = rendered;
                long now = System.nanoTime();
                if (!closed && mode == Mode.LINES && (now - lastNanos) / 1e9 >= LINE_INTERVAL_SECONDS) {
                    lastNanos = now;
                    message(rendered);
                }
            }
        }

        @Override
        public void close() {
            synchronized (Console.this) {
                if (!closed && mode == Mode.LINES && last != null) {
                    message(last);
                }
                closed = true;
            }
        }
    }

    /**
     * The text of a progress line, for example {@code retraining 2/8 (25%), 4.0 it/s, ETA 0:02, E=1.6502}, or when
     * the phase has ended {@code retraining 8/8 (100%), 4.0 it/s, in 0:02, E=1.6502}; at most {@code maxLength}
     * characters.
     */
    static String render(ProgressState state, int maxLength) {
        long current = state.getCurrent();
        long max = Math.max(state.getMax(), current);
        double seconds = state.getElapsedAfterStart().toMillis() / 1e3;
        long done = current - state.getStart(); // in this process
        double rate = seconds >= 0.5 && done > 0 ? done / seconds : Double.NaN;
        String text = render(state.getTaskName(), current, max, rate, state.getTotalElapsed(), !state.isAlive(),
                state.getExtraMessage());
        return text.length() <= maxLength ? text : text.substring(0, Math.max(0, maxLength));
    }

    static String render(String label, long current, long max, double rate, Duration elapsed, boolean ended,
                         String extra) {
        StringBuilder s = new StringBuilder(label).append(' ');
        String total = String.valueOf(max);
        String done = String.valueOf(current);
        s.append(" ".repeat(Math.max(0, total.length() - done.length()))).append(done).append('/').append(total);
        s.append(" (").append(max <= 0 ? 0 : Math.min(100, 100 * current / max)).append("%)");
        if (!Double.isNaN(rate)) {
            s.append(", ").append(rate(rate)).append(" it/s");
        }
        if (ended) {
            s.append(", in ").append(time(elapsed.getSeconds()));
        } else if (!Double.isNaN(rate) && rate > 0) {
            s.append(", ETA ").append(time((long) Math.ceil((max - current) / rate)));
        }
        if (extra != null && !extra.isBlank()) {
            s.append(", ").append(extra.strip());
        }
        return s.toString();
    }

    private static String rate(double r) {
        return String.format(Locale.ROOT, r >= 100 ? "%.0f" : r >= 1 ? "%.1f" : "%.2f", r);
    }

    /** m:ss, or h:mm:ss from an hour on. */
    static String time(long seconds) {
        long s = Math.max(0, seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
