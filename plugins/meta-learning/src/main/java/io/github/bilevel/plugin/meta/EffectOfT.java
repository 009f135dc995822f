package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.experiment.Plot;
import io.github.bilevel.api.experiment.Progress;
import io.github.bilevel.api.outer.LearningRateSchedule;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.data.omniglot.Omniglot;
import io.github.bilevel.support.LinearFit;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The paper's effect-of-T study in hyperparameter optimization (Franceschi et al. 2018, section 5.1): 100 Omniglot
 * classes, 3 training, 3 validation and 14 test drawings each; the hyperparameter is a linear representation H of the
 * 28×28 image; the inner problem is multinomial logistic regression on XH with a small L2 term, T gradient steps from
 * zero; the outer objective is the validation loss. The same outer budget is spent for each T; a reference run uses
 * implicit differentiation at (near) the inner optimum, the hypergradient of the exact bilevel problem.
 */
public final class EffectOfT implements Experiment {
    static final String H = "H";
    static final List<String> HISTORY = List.of("T", "iteration", "outer_objective", "seconds");

    @Override
    public String id() {
        return "effect-of-t";
    }

    @Override
    public String description() {
        return "How the number T of inner steps changes a learned linear representation (Omniglot, 100 classes)";
    }

    @Override
    public List<ConfigOption> options() {
        return List.of(
                ConfigOption.text("T_values", "1,5,10,20,50,100", "inner step counts to compare, comma-separated"),
                ConfigOption.integer("classes", 100, 2, 1623, "Omniglot characters drawn with the seed"),
                ConfigOption.integer("train_per_class", 3, 1, 18, "training drawings per class"),
                ConfigOption.integer("validation_per_class", 3, 1, 18, "validation drawings per class (the rest test)"),
                ConfigOption.integer("features", 64, 1, 4096, "columns of the representation H"),
                ConfigOption.integer("iterations", 200, 0, 1_000_000, "outer iterations for each T"),
                ConfigOption.number("inner_lr", 0.5, 1e-9, 100, "inner learning rate"),
                ConfigOption.number("l2", 1e-2, 0, 100, "L2 weight of the inner problem"),
                ConfigOption.number("outer_lr", 0.003, 1e-9, 10, "outer Adam learning rate"),
                ConfigOption.integer("reference_T", 500, 0, 1_000_000,
                        "inner steps of the implicit-differentiation reference (0: no reference)"),
                ConfigOption.text("reference_strategy", "implicit-cg", "strategy of the reference run"));
    }

    @Override
    public Map<String, Object> quickOverrides() {
        return Map.of("T_values", "1,5,20", "iterations", 30, "classes", 30, "reference_T", 100);
    }

    /** Inner logistic regression on {@code X H} for one fixed split; the representation is the hyperparameter. */
    static final class RepresentationProblem implements Problem {
        final double[] x;
        final int[] y;
        final double[] xv;
        final int[] yv;
        final int classes;
        final int features;
        final double l2;
        private final double[] h0;

        RepresentationProblem(double[] x, int[] y, double[] xv, int[] yv, int classes, int features, double l2,
                              long seed) {
            this.x = x;
            this.y = y;
            this.xv = xv;
            this.yv = yv;
            this.classes = classes;
            this.features = features;
            this.l2 = l2;
            Random r = new Random(seed);
            int pixels = Omniglot.SIDE * Omniglot.SIDE;
            h0 = new double[pixels * features];
            double std = Math.sqrt(1.0 / pixels);
            for (int i = 0; i < h0.length; i++) {
                h0[i] = std * r.nextGaussian();
            }
        }

        private Tensor data(Ops ops, String name, double[] values, int rows) {
            return ops.cached(List.of(this, name), () -> ops.constant(values, Shape.of(rows, values.length / rows)));
        }

        @Override
        public String id() {
            return "representation-logistic-regression";
        }

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            return List.of(new HyperparameterSpec(H, Shape.of(Omniglot.SIDE * Omniglot.SIDE, features), h0,
                    new Constraint.Unconstrained()));
        }

        @Override
        public Map<String, Tensor> derived(Ops ops, Hyperparameters hyper) {
            return Map.of("train-features", ops.matmul(data(ops, "x", x, y.length), hyper.get(H)),
                    "validation-features", ops.matmul(data(ops, "xv", xv, yv.length), hyper.get(H)));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
            return List.of(ops.zeros(Shape.of(features, classes), ops.defaultDType()),
                    ops.zeros(Shape.of(classes), ops.defaultDType()));
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
            Tensor ce = ops.mean(ops.softmaxCrossEntropy(EpisodeProblem.logits(ops, hyper.get("train-features"),
                    params), y));
            return ops.add(ce, ops.mul(ops.sum(ops.square(params.get(0))), l2 / 2));
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
            return ops.mean(ops.softmaxCrossEntropy(EpisodeProblem.logits(ops, hyper.get("validation-features"),
                    params), yv));
        }
    }

    /** Parsed list of T values: positive, distinct, in the given order. */
    static int[] tValues(String text) {
        String[] parts = text.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("Config 'T_values' must be comma-separated whole numbers, got '"
                        + text + "'");
            }
            if (out[i] < 1) {
                throw new InvalidInputException("Config 'T_values' must hold numbers >= 1, got " + out[i]);
            }
        }
        if (Arrays.stream(out).distinct().count() != out.length) {
            throw new InvalidInputException("Config 'T_values' repeats a value: '" + text + "'");
        }
        return out;
    }

    @Override
    public ExperimentResult run(ExperimentContext ctx) throws Exception {
        Config c = ctx.config();
        int[] ts = tValues(c.getString("T_values"));
        int classes = c.getInt("classes");
        int nTrain = c.getInt("train_per_class");
        int nVal = c.getInt("validation_per_class");
        Omniglot data = ctx.dataDir().isPresent() ? Omniglot.load(ctx.dataDir().get()) : Omniglot.embedded();
        ctx.recordData(OmniglotFewShot.dataSource(ctx), ctx.dataDir().isPresent()
                ? Omniglot.sha256(ctx.dataDir().get()) : Omniglot.embeddedSha256());
        if (classes > data.characters()) {
            throw new InvalidInputException("Config 'classes' = " + classes + " exceeds the " + data.characters()
                    + " characters of the data");
        }
        Random rng = new Random(ctx.seed());
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < data.characters(); i++) {
            all.add(i);
        }
        java.util.Collections.shuffle(all, rng);
        List<double[]> xs = new ArrayList<>(List.of(new double[0], new double[0], new double[0]));
        List<List<Integer>> ys = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<float[]>> images = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int k = 0; k < classes; k++) {
            int ch = all.get(k);
            int drawings = data.drawings(ch);
            if (drawings <= nTrain + nVal) {
                throw new InvalidInputException("Character " + data.name(ch) + " has " + drawings
                        + " drawings; train_per_class + validation_per_class must leave some for testing");
            }
            List<Integer> order = new ArrayList<>();
            for (int d = 0; d < drawings; d++) {
                order.add(d);
            }
            java.util.Collections.shuffle(order, rng);
            for (int j = 0; j < drawings; j++) {
                int part = j < nTrain ? 0 : j < nTrain + nVal ? 1 : 2;
                images.get(part).add(data.image(ch, order.get(j)));
                ys.get(part).add(k);
            }
        }
        for (int p = 0; p < 3; p++) {
            xs.set(p, flatten(images.get(p)));
        }
        int[][] labels = new int[3][];
        for (int p = 0; p < 3; p++) {
            labels[p] = ys.get(p).stream().mapToInt(Integer::intValue).toArray();
        }
        ctx.log(String.format("effect-of-t: %d classes, %d training, %d validation, %d test examples; T in %s",
                classes, labels[0].length, labels[1].length, labels[2].length, Arrays.toString(ts)));

        RepresentationProblem problem = new RepresentationProblem(xs.get(0), labels[0], xs.get(1), labels[1], classes,
                c.getInt("features"), c.getDouble("l2"), ctx.seed() + 1);
        Ops ops = ctx.ops();
        Tensor testX = ops.cached(List.of(problem, "test"), () -> ops.constant(xs.get(2),
                Shape.of(labels[2].length, xs.get(2).length / labels[2].length)));

        // One history.csv for all runs, with a T column: each run adds its rows through a view of the rows that
        // follow the earlier runs' rows (a resumed run's loop replaces that view's rows by its checkpoint's).
        List<double[]> history = ctx.history(HISTORY);
        List<Map<String, Object>> perT = new ArrayList<>();
        Map<String, double[]> curves = new LinkedHashMap<>();
        ctx.livePlots(() -> plots(List.copyOf(perT), new LinkedHashMap<>(curves)));
        int refT = c.getInt("reference_T");
        List<Object[]> runs = new ArrayList<>();
        for (int t : ts) {
            runs.add(new Object[] {t, "reverse", "T" + t});
        }
        if (refT > 0) {
            runs.add(new Object[] {refT, c.getString("reference_strategy"), "reference"});
        }
        for (Object[] run : runs) {
            int t = (Integer) run[0];
            String strategy = (String) run[1];
            String label = (String) run[2];
            List<double[]> rows = history.subList(history.size(), history.size());
            OuterLoop.Result result;
            try (Progress bar = ctx.progress(label.equals("reference") ? "reference (" + strategy + ", T=" + t + ")"
                    : "T = " + t, c.getInt("iterations"))) {
                result = OuterLoop.builder(ctx, label, rows).problem(problem).solver(ctx.solver("gd"))
                        .initial(OmniglotFewShot.LR, new double[] {c.getDouble("inner_lr")}).freeze(OmniglotFewShot.LR)
                        .strategy(ctx.strategy(strategy)).innerSteps(t).iterations(c.getInt("iterations"))
                        // the reference's linear solves: enough for its role, far cheaper than the 1e-12 default
                        .strategyOptions(label.equals("reference") ? Map.of("tolerance", "1e-8", "iterations", "300")
                                : Map.of())
                        .optimizer(OuterOptimizers.adam())
                        .schedule(LearningRateSchedule.constant(c.getDouble("outer_lr")))
                        .listener(it -> {
                            bar.resumeAt(it.index());
                            rows.add(new double[] {t, it.index(), it.objective(), it.seconds()});
                            bar.step(String.format("E=%.4f", it.objective()));
                        }).build().run();
            }
            double[] acc = accuracies(ops, problem, result.values().get(H), t, c.getDouble("inner_lr"), testX,
                    labels[2]);
            double[] seconds = rows.stream().mapToDouble(r -> r[3]).sorted().toArray();
            double median = seconds.length == 0 ? Double.NaN : seconds[seconds.length / 2];
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("T", t);
            entry.put("strategy", strategy);
            entry.put("train_accuracy", acc[0]);
            entry.put("validation_accuracy", acc[1]);
            entry.put("test_accuracy", acc[2]);
            entry.put("final_outer_objective", rows.isEmpty() ? Double.NaN : rows.get(rows.size() - 1)[2]);
            entry.put("seconds_per_hypergradient", median);
            if (label.equals("reference")) {
                entry.put("note", "implicit differentiation at w_T, T large: the exact bilevel problem's hypergradient");
            }
            perT.add(entry);
            ctx.log(String.format("%s: train %.2f%%, validation %.2f%%, test %.2f%%, %.3f s per hypergradient",
                    label.equals("reference") ? "reference" : "T = " + t, 100 * acc[0], 100 * acc[1], 100 * acc[2],
                    median));
            curves.put(label.equals("reference") ? "reference" : "T=" + t,
                    rows.stream().mapToDouble(r -> r[2]).toArray());
        }

        Map<String, Object> results = new LinkedHashMap<>();
        results.put("per_T", perT.stream().filter(e -> e.get("strategy").equals("reverse")).toList());
        perT.stream().filter(e -> !e.get("strategy").equals("reverse")).findFirst()
                .ifPresent(e -> results.put("reference", e));
        double[] tAxis = Arrays.stream(ts).asDoubleStream().toArray();
        double[] secs = perT.stream().filter(e -> e.get("strategy").equals("reverse"))
                .mapToDouble(e -> (Double) e.get("seconds_per_hypergradient")).toArray();
        results.put("time_fit", timeFit(tAxis, secs));
        results.put("classes", classes);
        results.put("train_examples", labels[0].length);
        results.put("validation_examples", labels[1].length);
        results.put("test_examples", labels[2].length);
        results.put("data", OmniglotFewShot.dataSource(ctx));

        return new ExperimentResult(results, HISTORY, history,
                plots(perT, curves));
    }

    /**
     * The plots of the runs done so far: {@code perT} holds each run's figures (reverse mode for each T, then the
     * reference run, whose test accuracy is drawn as a reference line), {@code curves} each run's outer objective.
     */
    static List<Plot> plots(List<Map<String, Object>> perT, Map<String, double[]> curves) {
        List<Map<String, Object>> reverse = perT.stream().filter(e -> e.get("strategy").equals("reverse")).toList();
        double[] tAxis = reverse.stream().mapToDouble(e -> ((Number) e.get("T")).doubleValue()).toArray();
        Map<String, double[]> accSeries = new LinkedHashMap<>();
        for (String k : List.of("train", "validation", "test")) {
            accSeries.put(k, reverse.stream().mapToDouble(e -> (Double) e.get(k + "_accuracy")).toArray());
        }
        double[] secs = reverse.stream().mapToDouble(e -> (Double) e.get("seconds_per_hypergradient")).toArray();
        Plot accuracy = new Plot("accuracy_vs_T.png", "Accuracy of w_T(H) after the same outer budget",
                "T (inner steps)", "accuracy", Plot.Kind.LINE, tAxis, accSeries);
        for (Map<String, Object> e : perT) {
            if (!e.get("strategy").equals("reverse")) {
                accuracy = accuracy.withReference("reference test (" + e.get("strategy") + ", T=" + e.get("T") + ")",
                        (Double) e.get("test_accuracy"));
            }
        }
        List<Plot> plots = new ArrayList<>(List.of(accuracy,
                new Plot("time_vs_T.png", "Seconds per hypergradient", "T (inner steps)", "seconds",
                        Plot.Kind.LINE, tAxis, Map.of("reverse mode", secs))));
        int longest = curves.values().stream().mapToInt(c -> c.length).max().orElse(0);
        if (longest > 0) {
            double[] itAxis = new double[longest];
            Map<String, double[]> padded = new LinkedHashMap<>();
            for (int i = 0; i < longest; i++) {
                itAxis[i] = i;
            }
            curves.forEach((name, c) -> {
                double[] v = Arrays.copyOf(c, longest);
                Arrays.fill(v, c.length, longest, Double.NaN);
                padded.put(name, v);
            });
            plots.add(new Plot("outer_objective.png", "Validation loss per outer iteration, one curve per T",
                    "outer iteration", "validation cross-entropy", Plot.Kind.LINE, itAxis, padded));
        }
        return plots;
    }

    private static double[] flatten(List<float[]> images) {
        int f = Omniglot.SIDE * Omniglot.SIDE;
        double[] out = new double[images.size() * f];
        for (int i = 0; i < images.size(); i++) {
            float[] im = images.get(i);
            for (int j = 0; j < f; j++) {
                out[i * f + j] = im[j];
            }
        }
        return out;
    }

    /** Training, validation and test accuracy of the classifier trained T steps on the representation h. */
    private static double[] accuracies(Ops ops, RepresentationProblem p, double[] h, int steps, double lr,
                                       Tensor testX, int[] testLabels) {
        try (Scope s = ops.scope()) {
            Hyperparameters hyper = new Hyperparameters(Map.of(H, ops.constant(h, p.hyperparameters().get(0)
                    .shape())));
            Map<String, Tensor> f = p.derived(ops, hyper);
            Tensor train = f.get("train-features").detach();
            List<Tensor> params = p.initialParameters(ops, hyper);
            for (int t = 0; t < steps; t++) {
                Tensor loss = ops.add(ops.mean(ops.softmaxCrossEntropy(EpisodeProblem.logits(ops, train, params),
                        p.y)), ops.mul(ops.sum(ops.square(params.get(0))), p.l2 / 2));
                List<Tensor> g = ops.grad(loss, params, false);
                params = List.of(ops.sub(params.get(0), ops.mul(g.get(0), lr)),
                        ops.sub(params.get(1), ops.mul(g.get(1), lr)));
            }
            Tensor testFeatures = ops.matmul(testX, hyper.get(H));
            return new double[] {
                FewShotEvaluation.accuracy(EpisodeProblem.logits(ops, train, params).toDoubleArray(), p.y, p.classes),
                FewShotEvaluation.accuracy(EpisodeProblem.logits(ops, f.get("validation-features"), params)
                        .toDoubleArray(), p.yv, p.classes),
                FewShotEvaluation.accuracy(EpisodeProblem.logits(ops, testFeatures, params).toDoubleArray(), testLabels,
                        p.classes)};
        }
    }

    /** Seconds against T as a line: slope per inner step, intercept and R², for results.json. */
    static Map<String, Object> timeFit(double[] t, double[] seconds) {
        LinearFit fit = LinearFit.of(t, seconds);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slope_seconds_per_inner_step", fit.slope());
        m.put("intercept_seconds", fit.intercept());
        m.put("r2", fit.r2());
        return m;
    }
}
