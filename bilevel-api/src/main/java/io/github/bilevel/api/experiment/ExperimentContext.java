package io.github.bilevel.api.experiment;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.tensor.Ops;
import java.nio.file.Path;
import java.util.Optional;
import org.apiguardian.api.API;

/** What the runtime gives an experiment. Never null values. */
@API(status = STABLE, since = "0.1")
public interface ExperimentContext {

    /** Operations on the selected backend, in the selected dtype. */
    Ops ops();

    /** The run's seed; every random choice of the experiment derives from it. */
    long seed();

    /** The validated configuration (defaults, then --quick overrides, then the config file). */
    Config config();

    /** Whether this is a reduced smoke run. */
    boolean quick();

    /** A folder with the experiment's data in its original layout, when given; otherwise use the embedded copy. */
    Optional<Path> dataDir();

    /**
     * The hypergradient strategy with this id.
     *
     * @throws IllegalArgumentException listing the known ids
     */
    HypergradientStrategy strategy(String id);

    /**
     * A fresh instance of the inner solver with this id (for example {@code momentum}); its hyperparameters start at
     * their declared defaults unless the outer loop is given other initial values.
     *
     * @throws IllegalArgumentException listing the known ids
     */
    io.github.bilevel.api.InnerSolver solver(String id);

    /** Runs the per-task hypergradients of a meta-batch. */
    TaskExecutor executor();

    /** Starts a progress bar for a phase of {@code total} steps. */
    Progress progress(String label, long total);

    /**
     * Where the outer loop of one phase of the experiment (for example {@code "outer"}, or one per value of a swept
     * setting) keeps its checkpoints; bilevel-support's {@code OuterLoop.builder(context, phase, metrics)} passes it to
     * the outer loop. When the run is a resumed one, the store holds the state to continue from. The default keeps nothing.
     */
    default io.github.bilevel.api.outer.CheckpointStore checkpoints(String phase) {
        return io.github.bilevel.api.outer.CheckpointStore.none();
    }

    /** What the outer loop does on a NaN or an infinity; the default stops with an error. */
    default io.github.bilevel.api.outer.NonFinitePolicy nonFinitePolicy() {
        return io.github.bilevel.api.outer.NonFinitePolicy.STOP;
    }

    /**
     * The list the experiment adds its per-outer-iteration rows to, one value per column (NaN where a value was not
     * measured); pass it (or a view of it) to the outer loop and return its rows and these columns in the
     * {@link ExperimentResult}. The command line writes each row to the run's history.csv as it is added, and
     * rewrites the file when rows are removed or replaced (as a resumed outer loop does when it restores the rows of
     * its checkpoint), so history.csv is current while the run goes. Call it once per run. The default is a plain
     * list.
     *
     * @param columns the column names, as in the result
     */
    default java.util.List<double[]> history(java.util.List<String> columns) {
        return new java.util.ArrayList<>();
    }

    /**
     * Records which data the experiment read: {@code source} in words (for example {@code "embedded MNIST subset"})
     * and {@code sha256}, the checksum of the files read (the data module's {@code Checksums}). The command line saves
     * it with the run's provenance and warns when a resumed run reads other data. The default ignores it.
     */
    default void recordData(String source, String sha256) {
    }

    /**
     * Registers the plots to redraw while the run goes on. The runtime calls {@code plots} from time to time (after a
     * checkpoint, throttled) and renders what it returns into the run's folder, under the same file names as the
     * final plots, which replace them at the end. Build them with the same method as the final plots, from the
     * history so far; the supplier may run on another thread than the experiment, so copy what it reads. A later
     * call replaces the earlier supplier. The default draws nothing.
     */
    default void livePlots(java.util.function.Supplier<java.util.List<Plot>> plots) {
    }

    /**
     * Keeps the run's learned model: the command line writes it to model.json in the run folder, with the project
     * version and the data checksum ({@link #recordData}). A later call replaces an earlier one. Default: ignored.
     */
    @org.apiguardian.api.API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.1")
    default void saveModel(Model model) {
    }

    /** One line of information for the user (the progress bar stays intact). */
    void log(String message);
}
