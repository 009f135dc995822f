package io.github.bilevel.cli;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.cli.spi.VersionProvider;
import io.github.bilevel.core.experiment.ExperimentHost;
import io.github.bilevel.core.experiment.ModelFile;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bilevel evaluate <run-folder|model-file>}: meta-tests a saved model. By default on the run's own episodes,
 * backend, dtype and thread count, so that it reproduces the run's meta-test figures bit for bit; {@code --seed}
 * draws other episodes.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Meta-test a saved model (the model.json of a run folder, or a model file).")
final class EvaluateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_FOLDER|MODEL_FILE", description = "A run folder or a model file.")
    Path model;

    @Option(names = "--seed", description = "Seed of the episodes (default: the run's seed, so the run's own "
            + "meta-test episodes).")
    Long seed;

    @Option(names = "--episodes", paramLabel = "N", description = "Episodes per protocol (default: the run's).")
    Integer episodes;

    @Option(names = "--backend", description = "Backend id (default: the run's).")
    String backend;

    @Option(names = "--dtype", description = "float32 or float64 (default: the run's).")
    String dtype;

    @Option(names = "--threads", description = "Compute threads (default: the run's).")
    Integer threads;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data in its original layout instead of the "
            + "embedded copy (as the run read it).")
    Path dataDir;

    @Option(names = "--progress", paramLabel = "auto|bar|lines|none", defaultValue = "auto", description = "How "
            + "progress is shown (as for run).", converter = Console.ModeConverter.class)
    Console.Mode progress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelFile.Saved saved = ModelFile.read(model);
        Map<String, Object> made = saved.provenance();
        Experiment experiment = RunCommand.experiments().get(saved.model().experiment());
        if (experiment == null) {
            throw new InvalidInputException(model + ": the model was made by experiment '"
                    + saved.model().experiment() + "', which is not installed here (see 'bilevel list')");
        }
        if (dataDir != null && !Files.isDirectory(dataDir)) {
            throw new InvalidInputException("Data directory " + dataDir + " does not exist or is not a folder");
        }
        if (episodes != null && episodes < 1) {
            throw new InvalidInputException("--episodes must be >= 1, got " + episodes);
        }
        long episodeSeed = seed != null ? seed : ((Number) saved.model().settings().getOrDefault("seed", 0)).longValue();
        String runBackend = made.get("backend") instanceof String b ? b : null;
        String runDtype = made.get("dtype") instanceof String d ? d : "float32";
        int runThreads = made.get("threads") instanceof Number n ? n.intValue() : 0;
        // the run's settings where the experiment has them (the model's own, and the run's number of episodes)
        Map<String, Object> values = new LinkedHashMap<>(ExperimentHost.defaults(experiment, false).asMap());
        for (io.github.bilevel.api.experiment.ConfigOption option : experiment.options()) {
            Object v = saved.model().settings().get(option.key());
            if (v != null) {
                values.put(option.key(), option.accept(v));
            }
        }
        if (episodes != null) {
            values.put("test_episodes", episodes);
        }
        Console console = new Console(out, out, progress);
        try (BilevelRuntime rt = BilevelRuntime.builder().backend(backend != null ? backend : runBackend)
                .dtype(DType.parse(dtype != null ? dtype : runDtype)).threads(threads != null ? threads : runThreads)
                .build()) {
            rt.warnings().forEach(w -> err.println("warning: " + w));
            out.printf("%s model (%s) made by bilevel %s on %s; evaluating on %s (%s, %d thread%s), episode seed %d%n",
                    experiment.id(), saved.model().kind(), made.get("version"), runBackend, rt.backendId(),
                    rt.engine().defaultDType(), rt.threads(), rt.threads() == 1 ? "" : "s", episodeSeed);
            out.flush();
            String runData = Provenance.dataSha256(made);
            ExperimentHost host = ExperimentHost.builder(rt, new Config(values)).seed(episodeSeed).dataDir(dataDir)
                    .progress((label, total) -> new ConsoleProgress(label, total, console))
                    .log(console::message)
                    .listener(new ExperimentHost.Listener() {
                        @Override
                        public void dataRead(String source, String sha256) {
                            if (runData != null && !runData.equals(sha256)) {
                                err.println("warning: the data differ from those the model was trained on (" + source
                                        + ": SHA-256 " + sha256 + ", model: " + runData + ")");
                                err.flush();
                            }
                        }
                    })
                    .build();
            ExperimentResult result = host.evaluate(experiment, saved.model());
            out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                    RunOutputs.sanitize(result.results())));
            out.flush();
        }
        return 0;
    }
}
