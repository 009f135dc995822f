package io.github.bilevel.core.experiment;

import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.experiment.Model;
import io.github.bilevel.api.experiment.Plot;
import io.github.bilevel.api.experiment.Progress;
import io.github.bilevel.api.outer.CheckpointStore;
import io.github.bilevel.api.outer.NonFinitePolicy;
import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.outer.FileCheckpointStore;
import io.github.bilevel.core.outer.LocalTaskExecutor;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs an {@link Experiment} without the command line: it gives the experiment its {@link ExperimentContext} on a
 * runtime the caller built (and closes), with a configuration, a seed, a run folder for the checkpoints of each phase
 * ({@code checkpoint-<phase>.json}, continued from when they exist), and the sinks the caller chooses for progress,
 * messages and history rows. The {@code bilevel run} command is one such caller; it adds the console, run.log,
 * history.csv, plots and run.json.
 *
 * <pre>{@code
 * try (BilevelRuntime rt = BilevelRuntime.builder().build()) {
 *     ExperimentResult r = ExperimentHost.builder(rt, ExperimentHost.defaults(experiment, true))
 *             .checkpoints(Path.of("runs/mine"), 10).log(System.out::println).build()
 *             .run(experiment);
 * }
 * }</pre>
 *
 * One host runs one experiment once.
 */
public final class ExperimentHost {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExperimentHost.class);

    /** Starts the display of one phase's progress (the command line draws a bar). */
    @FunctionalInterface
    public interface ProgressSink {
        Progress start(String label, long total);
    }

    /** What the host reports while the experiment runs; each method does nothing unless overridden. */
    public interface Listener {
        /** A checkpoint of {@code phase} was written after {@code completed} outer iterations (on the writing thread). */
        default void checkpointWritten(String phase, int completed) {
        }

        /**
         * With {@link Builder#saveOnShutdown}: the JVM is stopping (SIGINT, SIGTERM) and the checkpoint {@code file}
         * of {@code phase} was saved after {@code completed} outer iterations (on the shutdown hook's thread).
         */
        default void savedOnShutdown(String phase, Path file, int completed) {
        }

        /** The experiment recorded the data it read ({@link ExperimentContext#recordData}). */
        default void dataRead(String source, String sha256) {
        }

        /** The experiment registered the plots to redraw while it runs ({@link ExperimentContext#livePlots}). */
        default void livePlots(Supplier<List<Plot>> plots) {
        }

        /** The experiment kept its learned model ({@link ExperimentContext#saveModel}; write it with {@link ModelFile}). */
        default void modelSaved(Model model) {
        }
    }

    private final BilevelRuntime runtime;
    private final Config config;
    private final long seed;
    private final boolean quick;
    private final Path dataDir;
    private final Path checkpointFolder;
    private final int checkpointEvery;
    private final boolean saveOnShutdown;
    private final NonFinitePolicy policy;
    private final TaskExecutor executor;
    private final ProgressSink progress;
    private final Consumer<String> log;
    private final Function<List<String>, List<double[]>> history;
    private final Listener listener;
    private final List<FileCheckpointStore> stores = new ArrayList<>();
    private volatile boolean checkpointWritten;
    private volatile boolean progressStarted;
    private boolean historyCreated;
    private boolean ran;

    private ExperimentHost(Builder b) {
        runtime = b.runtime;
        config = b.config;
        seed = b.seed;
        quick = b.quick;
        dataDir = b.dataDir;
        checkpointFolder = b.checkpointFolder;
        checkpointEvery = b.checkpointEvery;
        saveOnShutdown = b.saveOnShutdown;
        policy = b.policy;
        executor = b.executor;
        progress = b.progress;
        log = b.log;
        history = b.history;
        listener = b.listener;
    }

    /**
     * @param runtime the engine the experiment computes on; the caller closes it after {@link #run}
     * @param config  the validated configuration (for example {@link #defaults})
     */
    public static Builder builder(BilevelRuntime runtime, Config config) {
        return new Builder(runtime, config);
    }

    /** The experiment's declared defaults, with its {@code --quick} overrides when {@code quick}. */
    public static Config defaults(Experiment experiment, boolean quick) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigOption o : experiment.options()) {
            values.put(o.key(), o.defaultValue());
        }
        if (quick) {
            values.putAll(experiment.quickOverrides());
        }
        return new Config(values);
    }

    /**
     * Where a checkpoint of {@code completed} outer iterations stands, numbered as history rows are (from 0): "after
     * outer iteration 9" for 10 done.
     */
    public static String after(int completed) {
        return completed == 0 ? "before the first outer iteration" : "after outer iteration " + (completed - 1);
    }

    /**
     * Runs the experiment, then closes the checkpoint stores it opened (and the executor, when the host made it).
     *
     * @throws IllegalStateException when this host has run already
     * @throws Exception             what the experiment throws ({@link IllegalArgumentException} for bad input)
     */
    public ExperimentResult run(Experiment experiment) throws Exception {
        return invoke(experiment::run);
    }

    /**
     * Evaluates a model the experiment saved ({@link Experiment#evaluate}): the host's seed chooses the episodes, its
     * configuration holds the evaluation's settings. One call per host, as {@link #run}.
     */
    public ExperimentResult evaluate(Experiment experiment, Model model) throws Exception {
        return invoke(ctx -> experiment.evaluate(ctx, model));
    }

    private interface Invocation {
        ExperimentResult call(ExperimentContext ctx) throws Exception;
    }

    private ExperimentResult invoke(Invocation invocation) throws Exception {
        synchronized (this) {
            if (ran) {
                throw new IllegalStateException("This ExperimentHost has run already; build another");
            }
            ran = true;
        }
        TaskExecutor tasks = executor != null ? executor : new LocalTaskExecutor(runtime.threads());
        try {
            return invocation.call(new Context(tasks));
        } finally {
            synchronized (this) {
                stores.forEach(FileCheckpointStore::close);
            }
            if (executor == null) {
                tasks.close();
            }
        }
    }

    /** Whether a checkpoint was written during {@link #run}. */
    public boolean checkpointWritten() {
        return checkpointWritten;
    }

    /** Whether a phase started showing progress during {@link #run}. */
    public boolean progressStarted() {
        return progressStarted;
    }

    private synchronized CheckpointStore checkpoints(String phase) {
        if (!phase.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("Checkpoint phase names use letters, digits, '.', '_' and '-': '"
                    + phase + "'");
        }
        if (checkpointFolder == null) {
            return CheckpointStore.none();
        }
        FileCheckpointStore store = new FileCheckpointStore(checkpointFolder.resolve("checkpoint-" + phase + ".json"),
                checkpointEvery);
        if (saveOnShutdown) {
            store.saveOnShutdown(at -> listener.savedOnShutdown(phase, store.file(), at));
        }
        store.onWritten(at -> {
            checkpointWritten = true;
            listener.checkpointWritten(phase, at);
        });
        store.latest().ifPresent(st -> log.accept("continuing " + phase + " " + after(st.completed())));
        stores.add(store);
        return store;
    }

    private synchronized List<double[]> history(List<String> columns) {
        if (historyCreated) {
            throw new IllegalStateException("history(...) was already called in this run");
        }
        historyCreated = true;
        return Objects.requireNonNull(history.apply(List.copyOf(columns)), "history sink returned null");
    }

    private final class Context implements ExperimentContext {
        private final TaskExecutor tasks;

        Context(TaskExecutor tasks) {
            this.tasks = tasks;
        }

        @Override
        public Ops ops() {
            return runtime.ops();
        }

        @Override
        public long seed() {
            return seed;
        }

        @Override
        public Config config() {
            return config;
        }

        @Override
        public boolean quick() {
            return quick;
        }

        @Override
        public Optional<Path> dataDir() {
            return Optional.ofNullable(dataDir);
        }

        @Override
        public HypergradientStrategy strategy(String id) {
            return runtime.strategy(id);
        }

        @Override
        public InnerSolver solver(String id) {
            return runtime.newSolver(id);
        }

        @Override
        public TaskExecutor executor() {
            return tasks;
        }

        @Override
        public Progress progress(String label, long total) {
            progressStarted = true;
            return progress.start(label, total);
        }

        @Override
        public CheckpointStore checkpoints(String phase) {
            return ExperimentHost.this.checkpoints(phase);
        }

        @Override
        public NonFinitePolicy nonFinitePolicy() {
            return policy;
        }

        @Override
        public List<double[]> history(List<String> columns) {
            return ExperimentHost.this.history(columns);
        }

        @Override
        public void recordData(String source, String sha256) {
            listener.dataRead(source, sha256);
        }

        @Override
        public void livePlots(Supplier<List<Plot>> plots) {
            listener.livePlots(plots);
        }

        @Override
        public void saveModel(Model model) {
            listener.modelSaved(java.util.Objects.requireNonNull(model, "model"));
        }

        @Override
        public void log(String message) {
            log.accept(message);
        }
    }

    /** Settings of an {@link ExperimentHost}; each has a default but the runtime and the configuration. */
    public static final class Builder {
        private final BilevelRuntime runtime;
        private final Config config;
        private long seed;
        private boolean quick;
        private Path dataDir;
        private Path checkpointFolder;
        private int checkpointEvery = 10;
        private boolean saveOnShutdown;
        private NonFinitePolicy policy = NonFinitePolicy.STOP;
        private TaskExecutor executor;
        private ProgressSink progress = (label, total) -> new Progress() {
            @Override
            public void step(String status) {
            }

            @Override
            public void close() {
            }
        };
        private Consumer<String> log = LOG::info;
        private Function<List<String>, List<double[]>> history = columns -> new ArrayList<>();
        private Listener listener = new Listener() { };

        private Builder(BilevelRuntime runtime, Config config) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The seed every random choice of the experiment derives from (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether this is a reduced smoke run (default false); the configuration is the caller's either way. */
        public Builder quick(boolean quick) {
            this.quick = quick;
            return this;
        }

        /** A folder with the experiment's data in its original layout (default null: the embedded copy). */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Keep each phase's checkpoints in {@code folder} as {@code checkpoint-<phase>.json}, written every
         * {@code every} outer iterations and at the end, and continue a phase from its file when it exists. Default:
         * no checkpoints.
         */
        public Builder checkpoints(Path folder, int every) {
            if (every < 1) {
                throw new IllegalArgumentException("Checkpoint interval must be >= 1, got " + every);
            }
            this.checkpointFolder = Objects.requireNonNull(folder, "folder");
            this.checkpointEvery = every;
            return this;
        }

        /**
         * Save the latest checkpoint of each phase when the JVM is asked to stop (SIGINT, SIGTERM), through a shutdown
         * hook removed when {@link #run} ends (default false: embedders decide about their JVM's hooks).
         */
        public Builder saveOnShutdown(boolean save) {
            this.saveOnShutdown = save;
            return this;
        }

        /** What the outer loop does on a NaN or an infinity (default {@link NonFinitePolicy#STOP}). */
        public Builder nonFinitePolicy(NonFinitePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Where the tasks of a meta-batch run; the caller closes it. Default: the runtime's thread count of this
         * process's threads, closed at the end of {@link #run}.
         */
        public Builder executor(TaskExecutor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** How each phase shows its progress (default: not at all). */
        public Builder progress(ProgressSink progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Where the experiment's messages for the user go (default: SLF4J, at level INFO). */
        public Builder log(Consumer<String> log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /**
         * The list the experiment adds its history rows to, made from the column names when the experiment asks for
         * it (once per run; default: a list in memory). The command line's writes each row to history.csv.
         */
        public Builder history(Function<List<String>, List<double[]>> history) {
            this.history = Objects.requireNonNull(history, "history");
            return this;
        }

        /** Told of checkpoints, the data read and the live plots (default: nobody). */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public ExperimentHost build() {
            return new ExperimentHost(this);
        }
    }
}
