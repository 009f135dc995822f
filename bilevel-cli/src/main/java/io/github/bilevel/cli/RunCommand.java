package io.github.bilevel.cli;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.outer.NonFinitePolicy;
import io.github.bilevel.api.task.ExecutorSettings;
import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.cli.spi.VersionProvider;
import io.github.bilevel.core.discovery.Discovered;
import io.github.bilevel.core.discovery.ProvidersById;
import io.github.bilevel.core.discovery.ServiceDiscovery;
import io.github.bilevel.core.experiment.ExperimentHost;
import io.github.bilevel.core.experiment.ModelFile;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code bilevel run <experiment>}: runs an experiment and writes results.json, history.csv and plots. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run an experiment; writes results.json, history.csv and PNG plots.")
final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT", description = "Experiment id (see 'list').")
    String experimentId;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON file of key: value settings.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting (repeatable). Any setting "
            + "can also be given as --KEY=VALUE or --KEY VALUE after the experiment, with - for _ (--meta-batch 8).")
    List<String> sets = new ArrayList<>();

    @CommandLine.Unmatched
    List<String> settingOptions = new ArrayList<>();

    @Option(names = "--backend", description = "Backend id (default: property, environment, or priority).")
    String backend;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 (default) or float64.")
    String dtype;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice (default 0).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default runs/<experiment>-<timestamp>).")
    Path out;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data in its original layout instead of the "
            + "embedded copy.")
    Path dataDir;

    @Option(names = "--quick", description = "A reduced smoke run (under 2 minutes).")
    boolean quick;

    // The backend's default: every core on TensorFlow (hyper-cleaning on 2 cores: 130 s with two threads, 171 s with
    // one), one on ND4J (docs/BENCHMARKS.md, "Threads and memory").
    @Option(names = "--threads", defaultValue = "0", description = "Compute threads: kernels use this many, and a "
            + "meta-batch runs this many tasks at a time (default 0: the backend's default, every core on TensorFlow, "
            + "one on ND4J).")
    int threads;

    @Option(names = "--executor", paramLabel = "ID", description = "Where the tasks of a meta-batch run: local "
            + "(default: threads of this process) or spark (a Spark cluster, see --master); also -Dbilevel.executor or "
            + "BILEVEL_EXECUTOR.")
    String executorId;

    @Option(names = "--master", paramLabel = "URL", description = "With --executor spark: the Spark master, for "
            + "example local[2] or spark://host:7077 (default: spark.master, else local[N] for N compute threads).")
    String master;

    @Option(names = "--progress", paramLabel = "auto|bar|lines|none", defaultValue = "auto", description = "How "
            + "progress is shown: a line redrawn in place (bar), a plain line every 10 s and at the end of each phase "
            + "(lines), or not at all (none); default auto: bar on a terminal, lines otherwise.",
            converter = Console.ModeConverter.class)
    Console.Mode progress;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint, "
            + "with its saved settings.")
    Path resume;

    @Option(names = "--allow-different-compute", description = "With --resume: continue on another --backend, "
            + "--dtype or --threads than the run started with; results then match an uninterrupted run to a "
            + "tolerance, not bit for bit (docs/FORMATS.md, \"Resuming on other compute settings\").")
    boolean allowDifferentCompute;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "10", description = "Write a checkpoint "
            + "every N outer iterations (default 10), and always at the end and on Ctrl-C or SIGTERM.")
    int checkpointEvery;

    @Option(names = "--on-nan", paramLabel = "stop|skip", defaultValue = "stop", description = "On a NaN or infinite "
            + "loss, gradient or hypergradient: stop with an error (default), or skip the update and halve the outer "
            + "learning rate.")
    String onNan;

    // The state of one invocation, for the host's events and for the clean-up after a failed start.
    private final RunLog runLog = new RunLog();
    private OutputFolder folder;
    private RunSettings settings;
    private Map<String, Object> provenance;
    private ExperimentHost host;
    private boolean modelWritten;
    // The thread that runs the experiment: plots are redrawn on it only (not in the shutdown hook, not concurrently
    // with the experiment's own updates of what the plots read).
    private final Thread runThread = Thread.currentThread();

    /** "after outer iteration 9" for a checkpoint of 10 done (history.csv numbers them from 0). */
    private static String after(int completed) {
        return ExperimentHost.after(completed);
    }

    @Override
    public Integer call() throws Exception {
        try {
            return execute();
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            runLog.line("failed: " + message.strip().replaceAll("\\s*\\R\\s*", " "));
            runLog.close();
            if (folder != null && resumed == null && (host == null || !host.checkpointWritten()
                    && !host.progressStarted())) {
                // A failed start (bad data, bad configuration found late) leaves no half-made run folder behind; once
                // a phase has made progress, run.log and history.csv stay for the diagnosis.
                try {
                    folder.removeCreated();
                } catch (java.io.IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        } finally {
            runLog.close();
        }
    }

    private RunSettings resumed;

    /** The discovered experiments by id. */
    static Map<String, Experiment> experiments() {
        return experiments(ServiceDiscovery.discover(Experiment.class));
    }

    /** @throws ProvidersById.DuplicateProviderException if two experiments have one id */
    private static Map<String, Experiment> experiments(Discovered<Experiment> found) {
        return ProvidersById.of("experiment", found, Experiment::id).asMap();
    }

    /** ", tasks on spark (local[2])" where the tasks do not run on this process's threads. */
    private static String onExecutor(TaskExecutor executor) {
        return executor.id().equals(io.github.bilevel.core.outer.LocalTaskExecutor.ID) ? "" : ", tasks on " + executor;
    }

    private Integer execute() throws Exception {
        PrintWriter err = runLog.tee(spec.commandLine().getErr());
        RunSettings saved = null;
        if (resume != null) {
            saved = RunSettings.read(resume);
            resumed = saved;
            CommandLine.ParseResult pr = spec.commandLine().getParseResult();
            for (String name : List.of("--config", "--set", "--seed", "--out", "--data-dir", "--quick",
                    "--checkpoint-every", "--on-nan")) {
                if (pr.hasMatchedOption(name)) {
                    throw new InvalidInputException(name + " cannot be combined with --resume: a resumed run keeps "
                            + "the settings saved in " + resume.resolve(RunSettings.FILE));
                }
            }
            if (experimentId != null && !experimentId.equals(saved.experiment())) {
                throw new InvalidInputException("The run in " + resume + " is of experiment '" + saved.experiment()
                        + "', not '" + experimentId + "'");
            }
            resumeCompute(saved, pr, err);
            experimentId = saved.experiment();
            seed = saved.seed();
            quick = saved.quick();
            dataDir = saved.dataDir();
            checkpointEvery = saved.checkpointEvery();
            onNan = saved.onNan();
            out = resume;
        }
        if (resume == null && allowDifferentCompute) {
            throw new InvalidInputException("--allow-different-compute only applies with --resume");
        }
        Discovered<Experiment> found = ServiceDiscovery.discover(Experiment.class);
        found.failures().forEach(f -> err.println("warning: " + f));
        Map<String, Experiment> experiments = experiments(found);
        if (experimentId == null || !experiments.containsKey(experimentId)) {
            err.println((experimentId == null ? "bilevel run: name an experiment." : "bilevel run: unknown experiment '"
                    + experimentId + "'.") + " Experiments:");
            experiments.values().forEach(e -> err.printf("  %-16s %s%n", e.id(), e.description()));
            err.flush();
            return 2;
        }
        Experiment experiment = experiments.get(experimentId);
        if (threads < 0) {
            throw new InvalidInputException("--threads must be >= 0, got " + threads);
        }
        if (checkpointEvery < 1) {
            throw new InvalidInputException("--checkpoint-every must be >= 1, got " + checkpointEvery);
        }
        NonFinitePolicy policy = switch (onNan) {
            case "stop" -> NonFinitePolicy.STOP;
            case "skip" -> NonFinitePolicy.SKIP_AND_HALVE;
            default -> throw new InvalidInputException("--on-nan must be stop or skip, got '" + onNan + "'");
        };
        DType type = DType.parse(dtype);
        List<String> allSets = new ArrayList<>(sets);
        allSets.addAll(ConfigLoader.settingOptions(settingOptions));
        if (saved != null && !allSets.isEmpty()) {
            throw new InvalidInputException("Settings cannot be changed on --resume: " + allSets);
        }
        Config config = saved != null ? ConfigLoader.restore(experiment, saved.config(), resume)
                : ConfigLoader.load(experiment, quick, configFile, ConfigLoader.parseSets(allSets));
        if (dataDir != null && !Files.isDirectory(dataDir)) {
            throw new InvalidInputException("Data directory " + dataDir + " does not exist or is not a folder");
        }
        ExecutorChoice executorChoice = ExecutorChoice.of(executorId, master);
        Path outDir = out != null ? out : Path.of("runs", experiment.id() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (saved == null && Files.exists(outDir.resolve(RunSettings.FILE))) {
            // A new run must not pick up another run's checkpoints.
            throw new InvalidInputException("Output folder " + outDir + " already holds a run; continue it with "
                    + "--resume " + outDir + ", or choose another --out");
        }
        try {
            folder = OutputFolder.create(outDir);
        } catch (IOException e) {
            err.println("bilevel run: cannot create output folder " + outDir + ": " + OutputFolder.reason(e));
            err.flush();
            return 2;
        }
        runLog.attach(outDir);
        PrintWriter console = runLog.tee(spec.commandLine().getOut());
        long start = System.nanoTime();
        try (BilevelRuntime rt = BilevelRuntime.builder().backend(backend).dtype(type).threads(threads).build();
             TaskExecutor executor = executorChoice.provider().create(new ExecutorSettings(rt.backendId(),
                     type.toString(), rt.threads(), executorChoice.options()))) {
            rt.warnings().forEach(w -> err.println("warning: " + w));
            err.flush();
            provenance = Provenance.of(rt);
            if (saved == null) {
                settings = new RunSettings(experiment.id(), seed, rt.backendId(), type.toString(), quick, dataDir,
                        checkpointEvery, onNan, config.asMap(), provenance);
                settings.write(outDir);
                console.printf("%s on %s (%s), seed %d%s -> %s%n", experiment.id(), rt.backendId(), type, seed,
                        onExecutor(executor), outDir);
            } else {
                settings = saved;
                console.printf("resuming %s on %s (%s), seed %d%s in %s%n", experiment.id(), rt.backendId(), type,
                        seed, onExecutor(executor), outDir);
            }
            console.flush();
            LivePlots live = new LivePlots(outDir, m -> screen(console).message(m));
            host = ExperimentHost.builder(rt, config).seed(seed).quick(quick).dataDir(dataDir)
                    .checkpoints(outDir, checkpointEvery).saveOnShutdown(true).nonFinitePolicy(policy)
                    .executor(executor)
                    .progress((label, total) -> runLog.phase(label, total, new ConsoleProgress(label, total,
                            screen(console))))
                    .log(m -> screen(console).message(m))
                    .history(columns -> new LiveHistory(outDir.resolve("history.csv"), columns))
                    .listener(new Events(outDir, err, live))
                    .build();
            ExperimentResult result = host.run(experiment);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("experiment", experiment.id());
            json.put("seed", seed);
            json.put("backend", rt.backendId());
            json.put("dtype", type.toString());
            json.put("seconds", seconds);
            json.put("quick", quick);
            json.put("config", config.asMap());
            json.put(Provenance.KEY, provenance);
            json.putAll(result.results());
            RunOutputs.writeResults(outDir, json);
            RunOutputs.writeHistory(outDir, result);
            List<Path> plots = live.writeFinal(result.plots());
            runLog.line("results: " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                    RunOutputs.sanitize(result.results())));
            console.printf("done in %.1f s; wrote results.json, history.csv%s%s%n", seconds,
                    modelWritten ? ", " + ModelFile.NAME : "", plots.isEmpty() ? ""
                    : ", " + plots.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")));
            console.flush();
        }
        return 0;
    }

    /**
     * A resumed run computes as it started, on the saved backend, dtype and thread count, so that it ends as the
     * uninterrupted run would, bit for bit; another one given is refused unless --allow-different-compute (the results
     * then match to a tolerance: reductions add in another order).
     */
    private void resumeCompute(RunSettings saved, CommandLine.ParseResult pr, PrintWriter err) {
        Integer savedThreads = saved.threads();
        List<String> changed = new ArrayList<>();
        if (backend != null && !backend.equals(saved.backend())) {
            changed.add("--backend " + saved.backend() + ", not " + backend);
        }
        if (pr.hasMatchedOption("--dtype") && !dtype.equals(saved.dtype())) {
            changed.add("--dtype " + saved.dtype() + ", not " + dtype);
        }
        if (pr.hasMatchedOption("--threads") && savedThreads != null && threads != savedThreads) {
            changed.add("--threads " + savedThreads + ", not " + threads);
        }
        if (!changed.isEmpty() && !allowDifferentCompute) {
            throw new InvalidInputException("The run in " + resume + " used " + String.join(" and ", changed)
                    + "; resume it with the same backend, dtype and thread count, or add --allow-different-compute "
                    + "(results then match an uninterrupted run to a tolerance, not bit for bit)");
        }
        if (!changed.isEmpty()) {
            err.println("warning: resuming with other compute settings than the run started with (it used "
                    + String.join(" and ", changed) + "): results match an uninterrupted run to a tolerance, not bit "
                    + "for bit");
            err.flush();
        }
        backend = backend != null ? backend : saved.backend();
        dtype = pr.hasMatchedOption("--dtype") ? dtype : saved.dtype();
        threads = pr.hasMatchedOption("--threads") || savedThreads == null ? threads : savedThreads;
    }

    private Console screen;

    // Messages through the run's console writer; the terminal's progress line straight to the command's output.
    private synchronized Console screen(PrintWriter console) {
        if (screen == null) {
            screen = new Console(console, spec.commandLine().getOut(), progress);
        }
        return screen;
    }

    /** What the run's folder and console make of the host's events: run.log lines, plots, provenance, warnings. */
    private final class Events implements ExperimentHost.Listener {
        private final Path outDir;
        private final PrintWriter err;
        private final LivePlots live;

        Events(Path outDir, PrintWriter err, LivePlots live) {
            this.outDir = outDir;
            this.err = err;
            this.live = live;
        }

        @Override
        public void checkpointWritten(String phase, int completed) {
            runLog.line("checkpoint " + after(completed) + (phase.equals("outer") ? "" : " (" + phase + ")"));
            if (Thread.currentThread() == runThread) {
                live.redraw(); // throttled; a failure warns once and the run goes on
            }
        }

        @Override
        public void savedOnShutdown(String phase, Path file, int completed) {
            err.printf("%nstopped: checkpoint %s saved in %s; continue with: bilevel run --resume %s%n",
                    after(completed), file, outDir);
            err.flush();
        }

        @Override
        public void livePlots(java.util.function.Supplier<List<io.github.bilevel.api.experiment.Plot>> plots) {
            live.register(plots);
        }

        @Override
        public synchronized void modelSaved(io.github.bilevel.api.experiment.Model model) {
            Map<String, Object> made = new LinkedHashMap<>(provenance);
            made.put("dtype", dtype);
            Path file = outDir.resolve(ModelFile.NAME);
            try {
                ModelFile.write(file, model, made);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
            }
            modelWritten = true;
        }

        @Override
        public synchronized void dataRead(String source, String sha256) {
            provenance = Provenance.withData(provenance, source, sha256);
            if (resumed == null) {
                settings = settings.withProvenance(provenance);
                try {
                    settings.write(outDir);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("Cannot write " + outDir.resolve(RunSettings.FILE) + ": "
                            + e.getMessage(), e);
                }
                return;
            }
            String before = Provenance.dataSha256(resumed.provenance());
            if (before != null && !before.equals(sha256)) {
                err.println("warning: the data differ from the start of this run (" + source + ": SHA-256 "
                        + sha256 + ", " + RunSettings.FILE + ": " + before + ")");
                err.flush();
            }
        }
    }
}
