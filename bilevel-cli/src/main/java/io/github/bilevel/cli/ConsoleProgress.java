package io.github.bilevel.cli;

import io.github.bilevel.api.experiment.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar with ETA and the latest status (for example the outer objective). */
final class ConsoleProgress implements Progress {
    private final String label;
    private final long total;
    private ProgressBar bar;
    private boolean closed;
    private double budgetLeft = Double.NaN; // seconds of the time budget left when this process started
    private long startNanos;
    private long stepsHere;

    ConsoleProgress(String label, long total) {
        this.label = label;
        this.total = total;
    }

    // Built on first use, so that a resumed run can start the bar (and its rate) where the run left off.
    private ProgressBar bar(long startAt) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(Math.max(total, 1))
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed()
                    .startsFrom(startAt, java.time.Duration.ZERO).build();
        }
        return bar;
    }

    @Override
    public synchronized void resumeAt(long done) {
        bar(done);
    }

    @Override
    public synchronized void timeBudget(double budgetSeconds, double spentSeconds) {
        if (budgetSeconds > 0 && Double.isNaN(budgetLeft)) { // the first call counts, as with resumeAt
            budgetLeft = Math.max(0, budgetSeconds - spentSeconds);
        }
    }

    @Override
    public synchronized void step(String status) {
        ProgressBar bar = bar(0);
        if (stepsHere++ == 0) {
            startNanos = System.nanoTime();
        }
        bar.step();
        if (!Double.isNaN(budgetLeft) && stepsHere > 1) {
            // Under a time budget the phase ends when the time is spent: the expected number of units is what the
            // rate so far fits into the budget, so that the bar's ETA is the budget's end (or the unit limit's).
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            double rate = (stepsHere - 1) / Math.max(elapsed, 1e-9);
            long expected = bar.getCurrent() + (long) Math.ceil(rate * Math.max(0, budgetLeft - elapsed));
            bar.maxHint(Math.max(bar.getCurrent(), Math.min(Math.max(total, 1), expected)));
        }
        if (status != null && !status.isEmpty()) {
            bar.setExtraMessage(status);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            bar(0).close();
        }
    }
}
