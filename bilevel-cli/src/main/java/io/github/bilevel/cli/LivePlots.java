package io.github.bilevel.cli;

import io.github.bilevel.api.experiment.Plot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The plots a run redraws while it goes on: the experiment's supplier, rendered into the run folder at most every
 * 10 s, at most every 1/20 of the run's elapsed time, and no more often than every 20 times the last redraw took
 * (so redrawing costs at most 5% of the run). After the final plots are written, redrawing does nothing.
 */
final class LivePlots {
    static final long MIN_INTERVAL_NANOS = 10_000_000_000L;

    private final Path out;
    private final Consumer<String> warn;
    private final LongSupplier clock;
    private final long start;
    private Supplier<List<Plot>> plots;
    private long last;
    private long lastCost;
    private boolean finished;
    private boolean warned;

    /** {@code warn} shows one line to the user (the run's console: above the progress line, and into run.log). */
    LivePlots(Path out, Consumer<String> warn) {
        this(out, warn, System::nanoTime);
    }

    LivePlots(Path out, Consumer<String> warn, LongSupplier clock) {
        this.out = out;
        this.warn = warn;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.last = start;
    }

    synchronized void register(Supplier<List<Plot>> supplier) {
        plots = supplier;
    }

    /**
     * Renders the supplier's plots when the throttle allows; returns whether it did. A failure is reported once on
     * standard error and never stops the run.
     */
    synchronized boolean redraw() {
        if (plots == null || finished) {
            return false;
        }
        long now = clock.getAsLong();
        long wait = Math.max(MIN_INTERVAL_NANOS, Math.max((now - start) / 20, 20 * lastCost));
        if (now - last < wait) {
            return false;
        }
        try {
            PlotRenderer.write(out, plots.get());
        } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError | InternalError e) {
            // a plot drawn during the run is a convenience: no failure of it may stop the run
            if (!warned) {
                warn.accept("warning: could not redraw the plots during the run (they are drawn at the end): " + e);
                warned = true;
            }
        }
        last = clock.getAsLong();
        lastCost = last - now;
        return true;
    }

    /** Writes the final plots; later redraws do nothing. */
    synchronized List<Path> writeFinal(List<Plot> finalPlots) throws IOException {
        finished = true;
        return PlotRenderer.write(out, finalPlots);
    }
}
