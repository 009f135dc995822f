package io.github.bilevel.cli;

import io.github.bilevel.api.experiment.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar with ETA and the latest status (for example the outer objective). */
final class ConsoleProgress implements Progress {
    private final ProgressBar bar;
    private boolean closed;

    ConsoleProgress(String label, long total) {
        this.bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(Math.max(total, 1))
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed().build();
    }

    @Override
    public synchronized void step(String status) {
        bar.step();
        if (status != null && !status.isEmpty()) {
            bar.setExtraMessage(status);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            bar.close();
        }
    }
}
