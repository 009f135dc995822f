package io.github.bilevel.api.experiment;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** Progress of one long phase (shown as a progress bar with ETA by the command line). */
@API(status = STABLE, since = "0.1")
public interface Progress extends AutoCloseable {

    /** One unit done; {@code status} (may be empty) is shown beside the bar, for example the outer objective. */
    void step(String status);

    /**
     * Counts {@code done} units as finished before this process started (a resumed run), so that the rate and the
     * time left are measured on the rest only. Only a call before the first {@link #step} has an effect, so a listener
     * may call it with the index of every iteration it sees.
     */
    default void resumeAt(long done) {
    }

    /**
     * The phase also ends when a time budget runs out: {@code budgetSeconds} in all, of which {@code spentSeconds} went
     * before this process started. The time left is then estimated from the budget, not from the unit count alone. Only
     * the first call has an effect.
     */
    default void timeBudget(double budgetSeconds, double spentSeconds) {
    }

    /** Ends the phase. Idempotent. */
    @Override
    void close();
}
