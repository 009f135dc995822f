package io.github.bilevel.api.outer;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Where an outer loop saves its state so that a stopped run can continue. The loop offers its state after every
 * completed iteration; the store decides when to write it (for example every N iterations, and when the process is
 * asked to stop) and must never leave a half-written or non-finite checkpoint behind.
 */
@API(status = STABLE, since = "0.1")
public interface CheckpointStore {

    /** The state to continue from, if a checkpoint exists. */
    Optional<OuterState> latest();

    /** Called by the loop after each completed iteration with the state after it. */
    void iterationCompleted(OuterState state);

    /** Called by the loop when it has finished every iteration, with the final state. */
    default void finished(OuterState state) {
        iterationCompleted(state);
    }

    /** Keeps nothing: a run that cannot be resumed. */
    static CheckpointStore none() {
        return new CheckpointStore() {
            @Override
            public Optional<OuterState> latest() {
                return Optional.empty();
            }

            @Override
            public void iterationCompleted(OuterState state) {
            }
        };
    }
}
