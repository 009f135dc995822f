package io.github.bilevel.api.experiment;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A runnable experiment, found with {@link java.util.ServiceLoader} and started by {@code bilevel run <id>}.
 * Implementations have a public no-argument constructor and depend on the API and data modules only.
 */
@API(status = STABLE, since = "0.1")
public interface Experiment {

    /** Short unique id used on the command line, for example {@code hyper-cleaning}. */
    String id();

    /** One line for listings. */
    String description();

    /** Every configuration key with its default and range. Unknown keys in a config file are errors. */
    List<ConfigOption> options();

    /** Values replacing the defaults for {@code --quick} (a run under 2 minutes). */
    default Map<String, Object> quickOverrides() {
        return Map.of();
    }

    /**
     * Runs the experiment.
     *
     * @throws IllegalArgumentException for bad input (data files, configuration); the command line exits with 2
     * @throws Exception                for failures at run time; the command line exits with 1
     */
    ExperimentResult run(ExperimentContext context) throws Exception;

    /**
     * Evaluates a model this experiment saved ({@link ExperimentContext#saveModel}) on fresh or the same episodes:
     * the context's seed chooses them, and its config the evaluation's settings (the command line passes the run's
     * settings, with its own number of episodes when given). Default: this experiment saves no model.
     *
     * @throws io.github.bilevel.api.InvalidInputException when the model cannot be evaluated here
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    default ExperimentResult evaluate(ExperimentContext context, Model model) throws Exception {
        throw new io.github.bilevel.api.InvalidInputException("Experiment '" + id() + "' saves no model to evaluate");
    }
}
