package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.experiment.Model;
import io.github.bilevel.api.experiment.Plot;
import io.github.bilevel.api.experiment.Progress;
import io.github.bilevel.api.outer.LearningRateSchedule;
import io.github.bilevel.api.task.TravellingTasks;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.miniimagenet.MiniImagenet;
import io.github.bilevel.data.omniglot.Omniglot;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Few-shot classification on Omniglot with a hyper-representation (Franceschi et al. 2018, section 5.2): the
 * convolutional representation is the hyperparameter shared by all episodes; each episode's inner problem is a linear
 * classifier on it, trained by T gradient steps with a learned learning rate; λ is learned by reverse-mode
 * hypergradients over meta-batches of episodes with Adam. Meta-validation keeps the best λ; meta-testing reports the
 * mean accuracy over test episodes with a 95% confidence interval.
 */
public final class OmniglotFewShot implements Experiment {
    static final String LR = "gd.lr";
    static final String BEST = "best.";
    /** Settings of a saved model besides the run's config: the run's seed, and the T its meta-test used. */
    static final String SEED = "seed";
    static final String CHOSEN_TEST_T = "meta_test_T";
    static final String STACKED = "stacked";
    static final String OMNIGLOT = "omniglot";
    static final String MINIIMAGENET = "miniimagenet";
    static final String PER_SET = "per-set";
    static final String TRAINING_T = "training";
    static final String VALIDATED_T = "validated";
    /** The largest T that {@code test_T=validated} tries (or the training T when larger). */
    static final int MAX_VALIDATED_T = 20;
    /** Columns of a meta-training run's history rows. */
    static final List<String> HISTORY = List.of("iteration", "outer_objective", "validation_accuracy", "inner_lr",
            "seconds", "training_seconds");

    @Override
    public String id() {
        return "omniglot";
    }

    @Override
    public String description() {
        return "Omniglot N-way K-shot: learn a shared convolutional representation by hypergradients";
    }

    @Override
    public List<ConfigOption> options() {
        return List.of(
                ConfigOption.integer("ways", 5, 2, 100, "classes per episode"),
                ConfigOption.integer("shots", 1, 1, 19, "training examples per class"),
                ConfigOption.integer("queries", 15, 1, 19, "query examples per class"),
                ConfigOption.integer("T", 1, 1, 10_000, "inner gradient steps"),
                ConfigOption.integer("meta_batch", 4, 1, 1024, "episodes per outer iteration"),
                ConfigOption.integer("iterations", 5000, 0, 10_000_000, "outer iterations (at most)"),
                ConfigOption.number("minutes", 0, 0, 1e6, "training time budget over all pieces of the run "
                        + "(0: none)"),
                ConfigOption.number("inner_lr", 0.4, 1e-6, 100, "initial inner learning rate (learned)"),
                ConfigOption.number("outer_lr", 1e-3, 1e-9, 10, "outer Adam learning rate"),
                ConfigOption.number("lr_decay", 1e-5, 0, 1, "outer learning rate lr / (1 + decay · k)"),
                ConfigOption.integer("filters", 64, 1, 1024, "filters per convolution"),
                ConfigOption.integer("layers", 4, 1, 8, "convolution layers"),
                ConfigOption.integer("validate_every", 250, 1, 10_000_000, "outer iterations between "
                        + "meta-validations"),
                ConfigOption.integer("validation_episodes", 200, 1, 100_000, "episodes per meta-validation"),
                ConfigOption.integer("test_episodes", 600, 1, 100_000, "meta-test episodes"),
                ConfigOption.text("strategy", "reverse", "hypergradient strategy id"),
                ConfigOption.text("bn_statistics", STACKED, "batch statistics over support and query '" + STACKED
                        + "' or over each set alone ('" + PER_SET + "', as in the authors' code)"),
                ConfigOption.flag("bn_scale", true, "learn a batch-normalization scale per filter (off: shift only, "
                        + "as in the authors' code)"),
                ConfigOption.flag("learn_inner_lr", true, "learn the inner learning rate (off: fixed at inner_lr)"),
                ConfigOption.text("test_T", TRAINING_T, "inner steps at meta-test: '" + TRAINING_T + "' (the training "
                        + "T), a number, or '" + VALIDATED_T + "' (the T in 1.." + MAX_VALIDATED_T + " with the best "
                        + "meta-validation accuracy)"));
    }

    @Override
    public Map<String, Object> quickOverrides() {
        return Map.of("iterations", 40, "validate_every", 20, "validation_episodes", 20, "test_episodes", 100,
                "filters", 32);
    }

    /** Settings of one meta-training run and its meta-test. */
    record Settings(int ways, int shots, int queries, int steps, int metaBatch, int iterations, double minutes,
                    double innerLr, double outerLr, double lrDecay, int filters, int layers, int validateEvery,
                    int validationEpisodes, int testEpisodes, String strategy, boolean perSetStatistics,
                    boolean bnScale, boolean learnInnerLr, String testSteps, boolean maml, String dataset) {

        /** The settings of {@code omniglot} (a hyper-representation), or of {@code omniglot-maml} when {@code maml}. */
        static Settings of(Config c, boolean maml) {
            return of(c, maml, OMNIGLOT);
        }

        /** As {@link #of(Config, boolean)}, on the episodes of {@code dataset} ({@value #OMNIGLOT} or {@value #MINIIMAGENET}). */
        static Settings of(Config c, boolean maml, String dataset) {
            String stats = maml ? PER_SET : c.getString("bn_statistics");
            if (!stats.equals(STACKED) && !stats.equals(PER_SET)) {
                throw new InvalidInputException("bn_statistics must be " + STACKED + " or " + PER_SET + ", got '"
                        + stats + "'");
            }
            String testT = c.getString("test_T");
            if (!testT.equals(TRAINING_T) && !testT.equals(VALIDATED_T) && !testT.matches("[1-9][0-9]{0,3}")) {
                throw new InvalidInputException("test_T must be " + TRAINING_T + ", " + VALIDATED_T + " or a number "
                        + "of steps from 1 to 9999, got '" + testT + "'");
            }
            return new Settings(c.getInt("ways"), c.getInt("shots"), c.getInt("queries"), c.getInt("T"),
                    c.getInt("meta_batch"), c.getInt("iterations"), c.getDouble("minutes"), c.getDouble("inner_lr"),
                    c.getDouble("outer_lr"), c.getDouble("lr_decay"), c.getInt("filters"), c.getInt("layers"),
                    c.getInt("validate_every"), c.getInt("validation_episodes"), c.getInt("test_episodes"),
                    c.getString("strategy"), stats.equals(PER_SET), c.getBoolean("bn_scale"),
                    c.getBoolean("learn_inner_lr"), testT, maml, dataset);
        }

        Settings withSteps(int t) {
            return new Settings(ways, shots, queries, t, metaBatch, iterations, minutes, innerLr, outerLr, lrDecay,
                    filters, layers, validateEvery, validationEpisodes, testEpisodes, strategy, perSetStatistics,
                    bnScale, learnInnerLr, testSteps, maml, dataset);
        }

        /** The experiment these settings are of. */
        String experiment() {
            return dataset.equals(MINIIMAGENET) ? "miniimagenet" : maml ? "omniglot-maml" : "omniglot";
        }

        ConvRepresentation representation(long seed) {
            boolean colour = dataset.equals(MINIIMAGENET);
            return new ConvRepresentation(colour ? MiniImagenet.CHANNELS : 1, colour ? MiniImagenet.SIDE
                    : Omniglot.SIDE, filters, layers, OmniglotTasks.representationSeed(seed), bnScale);
        }

        /** An episode's problem: the hyper-representation's, or MAML's. */
        java.util.function.Function<Episode, EpisodicProblem> problems(long seed) {
            ConvRepresentation rep = representation(seed);
            if (maml) {
                MamlProblem.Network network = new MamlProblem.Network(rep, ways);
                return e -> new MamlProblem(network, e);
            }
            return e -> new EpisodeProblem(rep, e, perSetStatistics);
        }
    }

    /**
     * What a meta-training run and its meta-test gave.
     *
     * @param testAccuracy  mean meta-test accuracy with {@code testSteps} inner steps, this project's protocol (test
     *                      characters without rotations, disjoint support and query drawings)
     * @param authorsAccuracy the same under the authors' protocol (test characters × 4 rotations, support and query
     *                      drawn independently)
     * @param validationByT meta-validation accuracy of the chosen λ for T = 1, 2, … (empty unless {@code test_T} is
     *                      {@value #VALIDATED_T})
     * @param history rows: iteration, outer objective (mean over the meta-batch), validation accuracy (NaN when not
     *                validated), inner learning rate, seconds, cumulative training seconds
     */
    record Outcome(double testAccuracy, double ci95, double authorsAccuracy, double authorsCi95, int testSteps,
                   double[] validationByT, int iterations, double trainingSeconds, double secondsPerIteration,
                   double bestValidationAccuracy, double bestValidationCi95, int bestIteration, double innerLr,
                   Map<String, double[]> chosen, List<double[]> history) {
    }

    @Override
    public ExperimentResult run(ExperimentContext ctx) throws Exception {
        return run(ctx, Settings.of(ctx.config(), false));
    }

    @Override
    public ExperimentResult evaluate(ExperimentContext ctx, Model model) throws Exception {
        return evaluate(ctx, this, false, OMNIGLOT, model);
    }

    /** Meta-trains and meta-tests as {@code s} says; the results and plots of {@code omniglot} and its MAML twin. */
    static ExperimentResult run(ExperimentContext ctx, Settings s) throws Exception {
        EpisodeSource data = load(ctx, s, ctx.seed());
        List<double[]> history = ctx.history(HISTORY);
        ctx.livePlots(() -> plots(List.copyOf(history), Double.NaN));
        Outcome o = train(ctx, s, data, "outer", "meta-training", history);
        ctx.saveModel(model(ctx, s.experiment(), s, o));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("test_accuracy", o.testAccuracy());
        results.put("ci95", o.ci95());
        results.put("test_accuracy_authors_protocol", o.authorsAccuracy());
        results.put("ci95_authors_protocol", o.authorsCi95());
        results.put("test_T", o.testSteps());
        if (o.validationByT().length > 0) {
            results.put("validation_accuracy_by_T", o.validationByT());
        }
        results.put("episodes", s.testEpisodes());
        results.put("ways", s.ways());
        results.put("shots", s.shots());
        results.put("queries", s.queries());
        results.put("T", s.steps());
        results.put("meta_iterations", o.iterations());
        results.put("training_seconds", o.trainingSeconds());
        results.put("seconds_per_iteration", o.secondsPerIteration());
        results.put("best_validation_accuracy", o.bestValidationAccuracy());
        results.put("best_validation_ci95", o.bestValidationCi95());
        // what bilevel search compares: the meta-validation error of the chosen representation
        results.put("validation_objective", 1 - o.bestValidationAccuracy());
        results.put("best_iteration", o.bestIteration());
        results.put("inner_lr", o.innerLr());
        results.put("data", dataSource(ctx, s));
        return new ExperimentResult(results, HISTORY, o.history(), plots(o.history(), o.testAccuracy()));
    }

    static String dataSource(ExperimentContext ctx) {
        return ctx.dataDir().map(p -> "Omniglot files in " + p).orElse("embedded Omniglot copy");
    }

    static String dataSource(ExperimentContext ctx, Settings s) {
        return s.dataset().equals(MINIIMAGENET) ? "MiniImagenet files in " + ctx.dataDir().orElseThrow()
                : dataSource(ctx);
    }

    /** The episodes of the settings' dataset, split by {@code splitSeed} where the dataset has no fixed split. */
    static EpisodeSource load(ExperimentContext ctx, Settings s, long splitSeed) throws java.io.IOException {
        if (s.dataset().equals(MINIIMAGENET)) {
            MiniImagenetEpisodes data = MiniImagenetEpisodes.open(ctx.dataDir());
            ctx.recordData(dataSource(ctx, s), data.sha256());
            return data;
        }
        return new OmniglotEpisodes(load(ctx, s), splitSeed, ctx.dataDir());
    }

    static Omniglot load(ExperimentContext ctx, Settings s) throws java.io.IOException {
        if (s.shots() + s.queries() > 20) {
            throw new InvalidInputException("shots + queries = " + (s.shots() + s.queries()) + " exceeds the 20 "
                    + "drawings of an Omniglot character");
        }
        Omniglot data = ctx.dataDir().isPresent() ? Omniglot.load(ctx.dataDir().get()) : Omniglot.embedded();
        ctx.recordData(dataSource(ctx), ctx.dataDir().isPresent() ? Omniglot.sha256(ctx.dataDir().get())
                : Omniglot.embeddedSha256());
        return data;
    }

    /**
     * Meta-trains a representation (checkpoint phase {@code phase}) and meta-tests the best one; {@code history}
     * (empty) receives a row per outer iteration, columns {@link #HISTORY}.
     */
    static Outcome train(ExperimentContext ctx, Settings s, EpisodeSource data, String phase, String label,
                         List<double[]> history) {
        ctx.log(data.summary(s));

        java.util.function.Function<Episode, EpisodicProblem> problems = s.problems(ctx.seed());
        InnerSolver solver = ctx.solver("gd");
        Ops ops = ctx.ops();
        long seed = ctx.seed();
        int metaBatch = s.metaBatch();
        // The meta-training tasks as data, so that an executor of a cluster can rebuild them (OmniglotTasks).
        TravellingTasks tasks = data.tasks(s, seed);
        List<Episode> validationEpisodes = data.validation(s, seed + 1, s.validationEpisodes());
        double budget = s.minutes() * 60;
        int iterations = s.iterations();
        int steps = s.steps();

        Map<String, double[]> extras = new LinkedHashMap<>();
        OuterLoop.Result result;
        try (Progress bar = ctx.progress(label, iterations)) {
            OuterLoop.Builder loop = OuterLoop.builder(ctx, phase, history).tasks(tasks).solver(solver)
                    .strategy(ctx.strategy(s.strategy())).innerSteps(steps).iterations(iterations)
                    .optimizer(OuterOptimizers.adam())
                    .schedule(LearningRateSchedule.inverse(s.outerLr(), s.lrDecay()))
                    .initial(LR, new double[] {s.innerLr()})
                    .extras(extras)
                    .until(() -> budget > 0 && trainingSeconds(history) >= budget)
                    .listener(it -> {
                        bar.resumeAt(it.index());
                        bar.timeBudget(budget, trainingSeconds(history));
                        double valAcc = Double.NaN;
                        if ((it.index() + 1) % s.validateEvery() == 0 || it.index() + 1 == iterations) {
                            double[] val = FewShotEvaluation.evaluate(ops, problems, solver, it.values(), LR,
                                    steps, validationEpisodes, () -> { });
                            valAcc = val[0];
                            double[] best = extras.get(BEST + "accuracy");
                            if (best == null || valAcc > best[0]) {
                                // accuracy, iteration, half-width of the 95% interval
                                extras.put(BEST + "accuracy", new double[] {valAcc, it.index(), val[1]});
                                it.values().forEach((name, v) -> extras.put(BEST + name, v.clone()));
                            }
                        }
                        history.add(new double[] {it.index(), it.objective() / metaBatch, valAcc,
                                it.values().get(LR)[0], it.seconds(), trainingSeconds(history) + it.seconds()});
                        bar.step(String.format("E=%.3f%s", it.objective() / metaBatch,
                                Double.isNaN(valAcc) ? "" : String.format(" val=%.3f", valAcc)));
                    });
            if (!s.learnInnerLr()) {
                loop.freeze(LR);
            }
            result = loop.build().run();
        }
        int done = history.isEmpty() ? 0 : (int) history.get(history.size() - 1)[0] + 1;
        if (budget > 0 && trainingSeconds(history) >= budget) {
            ctx.log(String.format("time budget of %s min reached after %d outer iteration%s",
                    s.minutes() == Math.rint(s.minutes()) ? String.valueOf((long) s.minutes())
                            : String.valueOf(s.minutes()), done, done == 1 ? "" : "s"));
        }

        // Meta-test with the λ that did best in meta-validation (the last λ if none was validated).
        Map<String, double[]> chosen = new LinkedHashMap<>();
        boolean validated = extras.containsKey(BEST + "accuracy");
        for (String name : result.values().keySet()) {
            chosen.put(name, validated ? extras.get(BEST + name) : result.values().get(name));
        }
        double[] best = extras.get(BEST + "accuracy");
        ctx.log(validated ? String.format("best meta-validation accuracy %.2f%%%s at iteration %d; meta-testing on %d "
                        + "episodes", 100 * best[0], best.length > 2 ? String.format(" ± %.2f%%", 100 * best[2]) : "",
                (int) best[1], s.testEpisodes()) : "no meta-validation ran; meta-testing the last representation");
        double[] byT = new double[0];
        int testSteps = steps;
        if (s.testSteps().equals(VALIDATED_T)) {
            byT = FewShotEvaluation.accuracyByT(ops, problems, solver, chosen, LR, Math.max(MAX_VALIDATED_T, steps),
                    validationEpisodes);
            for (int t = 1; t <= byT.length; t++) {
                testSteps = byT[t - 1] > byT[testSteps - 1] ? t : testSteps;
            }
            ctx.log(String.format("meta-validation picks T = %d at meta-test (%.2f%%; %.2f%% with the training T = %d)",
                    testSteps, 100 * byT[testSteps - 1], 100 * byT[steps - 1], steps));
        } else if (!s.testSteps().equals(TRAINING_T)) {
            testSteps = Integer.parseInt(s.testSteps());
        }
        double[][] meta = metaTest(ctx, s, data, problems, solver, chosen, testSteps, seed);
        double[] testAcc = meta[0];
        double[] authorsAcc = meta[1];
        double[] secs = history.stream().mapToDouble(r -> r[4]).sorted().toArray();
        return new Outcome(testAcc[0], testAcc[1], authorsAcc[0], authorsAcc[1], testSteps, byT, done,
                trainingSeconds(history),
                secs.length == 0 ? Double.NaN : secs[secs.length / 2],
                validated ? extras.get(BEST + "accuracy")[0] : Double.NaN,
                // checkpoints written before the interval was kept hold two numbers
                validated && extras.get(BEST + "accuracy").length > 2 ? extras.get(BEST + "accuracy")[2] : Double.NaN,
                validated ? (int) extras.get(BEST + "accuracy")[1] : -1, chosen.get(LR)[0], chosen, history);
    }

    /**
     * Meta-tests {@code values} with {@code testSteps} inner steps on the test classes: this project's protocol and,
     * where the dataset has one, the authors' (NaN otherwise), episodes drawn from {@code episodeSeed}. Returns the
     * mean accuracy and the 95% half-width of each.
     */
    static double[][] metaTest(ExperimentContext ctx, Settings s, EpisodeSource data,
                               java.util.function.Function<Episode, EpisodicProblem> problems, InnerSolver solver,
                               Map<String, double[]> values, int testSteps, long episodeSeed) {
        java.util.Optional<List<Episode>> authors = data.authorsTest(s, episodeSeed + 3, s.testEpisodes());
        double[] testAcc;
        double[] authorsAcc = {Double.NaN, Double.NaN};
        try (Progress bar = ctx.progress("meta-test", (authors.isPresent() ? 2L : 1L) * s.testEpisodes())) {
            testAcc = FewShotEvaluation.evaluate(ctx.ops(), problems, solver, values, LR, testSteps,
                    data.test(s, episodeSeed + 2, s.testEpisodes()), () -> bar.step(""));
            if (authors.isPresent()) {
                authorsAcc = FewShotEvaluation.evaluate(ctx.ops(), problems, solver, values, LR, testSteps,
                        authors.get(), () -> bar.step(""));
            }
        }
        ctx.log(String.format("meta-test accuracy %.2f%% ± %.2f%% (95%% CI) over %d episodes, T = %d", 100 * testAcc[0],
                100 * testAcc[1], s.testEpisodes(), testSteps) + (authors.isEmpty() ? "" : String.format("; under the "
                + "authors' protocol (rotated test characters, support and query drawn independently) %.2f%% ± %.2f%%",
                100 * authorsAcc[0], 100 * authorsAcc[1])));
        return new double[][] {testAcc, authorsAcc};
    }

    /** {@code options} with the defaults in {@code defaults} in place of theirs. */
    static List<ConfigOption> withDefaults(List<ConfigOption> options, Map<String, Object> defaults) {
        return options.stream().map(o -> defaults.containsKey(o.key()) ? new ConfigOption(o.key(), o.type(),
                defaults.get(o.key()), o.min(), o.max(), o.description()) : o).toList();
    }

    /** The chosen λ with what rebuilds and meta-tests it: the run's settings, seed and meta-test T. */
    static Model model(ExperimentContext ctx, String experiment, Settings s, Outcome o) {
        Map<String, Object> settings = new LinkedHashMap<>(ctx.config().asMap());
        settings.put(SEED, ctx.seed());
        settings.put(CHOSEN_TEST_T, o.testSteps());
        return new Model(experiment, s.maml() ? "maml-initialization" : "hyper-representation", settings, o.chosen());
    }

    /**
     * Meta-tests a saved model as its run did: the split of the run's seed, {@code ctx.seed()} choosing the episodes
     * (the run's own when it is the run's seed), the run's meta-test T, and {@code test_episodes} of the context's
     * config episodes per protocol.
     */
    static ExperimentResult evaluate(ExperimentContext ctx, Experiment experiment, boolean maml, String dataset,
                                     Model model) throws java.io.IOException {
        SavedRun run = SavedRun.of(experiment, model, ctx.config().asMap(), maml, dataset);
        Settings s = run.settings();
        long seed = run.seed();
        int testSteps = run.testSteps();
        EpisodeSource data = load(ctx, s, seed);
        java.util.function.Function<Episode, EpisodicProblem> problems = s.problems(seed);
        double[][] meta = metaTest(ctx, s, data, problems, ctx.solver("gd"), model.values(),
                testSteps, ctx.seed());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("test_accuracy", meta[0][0]);
        results.put("ci95", meta[0][1]);
        results.put("test_accuracy_authors_protocol", meta[1][0]);
        results.put("ci95_authors_protocol", meta[1][1]);
        results.put("test_T", testSteps);
        results.put("episodes", s.testEpisodes());
        results.put("episode_seed", ctx.seed());
        results.put("data", dataSource(ctx, s));
        return new ExperimentResult(results, List.of(), List.of(), List.of());
    }

    static double trainingSeconds(List<double[]> history) {
        return history.isEmpty() ? 0 : history.get(history.size() - 1)[5];
    }

    /**
     * The run's plots from the history so far; a finite {@code testAccuracy} (the meta-test accuracy of the chosen
     * representation) is drawn as a reference line beside the meta-validation accuracy.
     */
    static List<Plot> plots(List<double[]> history, double testAccuracy) {
        double[] it = history.stream().mapToDouble(r -> r[0]).toArray();
        List<double[]> validated = history.stream().filter(r -> !Double.isNaN(r[2])).toList();
        double[] vIt = validated.stream().mapToDouble(r -> r[0]).toArray();
        double[] vMinutes = validated.stream().mapToDouble(r -> r[5] / 60).toArray();
        double[] vAcc = validated.stream().mapToDouble(r -> r[2]).toArray();
        return List.of(
                new Plot("outer_objective.png", "Query loss per outer iteration (mean over the meta-batch)",
                        "outer iteration", "query cross-entropy", Plot.Kind.LINE, it,
                        Map.of("E", history.stream().mapToDouble(r -> r[1]).toArray())).withSmoothed("E"),
                new Plot("validation_accuracy.png", "Meta-validation accuracy", "outer iteration", "accuracy",
                        Plot.Kind.LINE, vIt, Map.of("validation", vAcc)).withReference("meta-test", testAccuracy),
                new Plot("validation_accuracy_time.png", "Meta-validation accuracy against training time",
                        "training minutes", "accuracy", Plot.Kind.LINE, vMinutes, Map.of("validation", vAcc))
                        .withReference("meta-test", testAccuracy));
    }
}
