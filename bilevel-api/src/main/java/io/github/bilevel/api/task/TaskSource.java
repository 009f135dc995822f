package io.github.bilevel.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.bilevel.api.Problem;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The tasks of outer iteration k: one problem for hyperparameter optimization, a meta-batch of episodes for
 * meta-learning. All tasks declare the same hyperparameters; the hypergradient is the sum over tasks.
 */
@API(status = EXPERIMENTAL, since = "0.1")
@FunctionalInterface
public interface TaskSource {
    List<Problem> tasks(int iteration);

    /** The same single problem at every iteration. */
    static TaskSource single(Problem problem) {
        return k -> List.of(problem);
    }
}
