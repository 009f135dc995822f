package io.github.bilevel.api.experiment;

/** Progress of one long phase (shown as a progress bar with ETA by the command line). */
public interface Progress extends AutoCloseable {

    /** One unit done; {@code status} (may be empty) is shown beside the bar, for example the outer objective. */
    void step(String status);

    /** Ends the phase. Idempotent. */
    @Override
    void close();
}
