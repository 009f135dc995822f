package io.github.bilevel.cli;

import io.github.bilevel.api.experiment.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * The progress of one phase with its rate, ETA and the latest status (for example the outer objective), shown by a
 * {@link Console}: a line redrawn in place on a terminal, plain lines now and then otherwise, nothing with
 * {@code --progress none}.
 */
final class ConsoleProgress implements Progress {
    private final String label;
    private final long total;
    private final Console console;
    private ProgressBar bar;
    private ProgressBarConsumer consumer;
    private boolean closed;
    private double budget = Double.NaN; // seconds of the time budget
    private double firstSpent; // of it, spent when this process started
    private double spent; // of it, spent at the latest report
    private long startNanos;
    private long stepsHere;

    ConsoleProgress(String label, long total, Console console) {
        this.label = label;
        this.total = total;
        this.console = console;
    }

    // Built on first use, so that a resumed run can start the bar (and its rate) where the run left off.
    private ProgressBar bar(long startAt) {
        if (bar == null) {
            consumer = console.consumer();
            bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(Math.max(total, 1))
                    .setUpdateIntervalMillis(console.mode() == Console.Mode.BAR ? 500 : 1000)
                    .setRenderer(Console::render).setConsumer(consumer)
                    .startsFrom(startAt, java.time.Duration.ZERO).build();
        }
        return bar;
    }

    @Override
    public synchronized void resumeAt(long done) {
        if (console.mode() != Console.Mode.NONE) {
            bar(done);
        }
    }

    @Override
    public synchronized void timeBudget(double budgetSeconds, double spentSeconds) {
        if (budgetSeconds > 0 && Double.isNaN(budget)) { // the first call sets the budget, as with resumeAt
            budget = budgetSeconds;
            firstSpent = spentSeconds;
        }
        spent = Math.max(spent, spentSeconds);
    }

    @Override
    public synchronized void step(String status) {
        if (console.mode() == Console.Mode.NONE) {
            return;
        }
        ProgressBar bar = bar(0);
        if (stepsHere++ == 0) {
            startNanos = System.nanoTime();
        }
        bar.step();
        if (!Double.isNaN(budget) && stepsHere > 1) {
            // Under a time budget the phase ends when the time is spent: the expected number of units is what the
            // rate so far fits into the budget, so that the bar's ETA is the budget's end (or the unit limit's).
            // The budget may count only part of the time (training, not validation): with the spent time reported
            // as it goes, the rate and what is left are in that time; otherwise in the time since the bar started.
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            double counted = spent > firstSpent ? spent - firstSpent : elapsed;
            double left = budget - firstSpent - counted;
            double rate = (stepsHere - 1) / Math.max(counted, 1e-9);
            long expected = bar.getCurrent() + (long) Math.ceil(rate * Math.max(0, left));
            bar.maxHint(Math.max(bar.getCurrent(), Math.min(Math.max(total, 1), expected)));
        }
        if (status != null && !status.isEmpty()) {
            bar.setExtraMessage(status);
        }
    }

    /** The number of units the bar now expects (its maximum). */
    synchronized long expectedUnits() {
        return bar == null ? total : bar.getMax();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (bar != null) {
                bar.close();
                // progressbar 0.10 closes its consumer only when its updater had run once before: a phase shorter than
                // one update interval would leave its line on screen
                consumer.close();
            }
        }
    }
}
