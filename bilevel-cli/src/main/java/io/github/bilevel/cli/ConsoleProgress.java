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
    public synchronized void step(String status) {
        ProgressBar bar = bar(0);
        bar.step();
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
