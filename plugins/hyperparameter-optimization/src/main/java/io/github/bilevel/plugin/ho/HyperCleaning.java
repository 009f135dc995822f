package io.github.bilevel.plugin.ho;

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
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.data.LabeledImages;
import io.github.bilevel.data.mnist.Mnist;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Data hyper-cleaning (Franceschi et al. 2017, 2018): MNIST with part of the training labels flipped; one weight per
 * training example in [0, 1] with Σλ ≤ R is learned by reverse-mode hypergradients so that softmax regression trained
 * on the weighted examples fits the clean validation set. Corrupted examples should end with weight 0.
 */
public final class HyperCleaning implements Experiment {
    static final String WEIGHTS = "weights";
    static final List<String> HISTORY = List.of("iteration", "outer_objective", "validation_accuracy",
            "test_accuracy", "weights_sum", "weights_zero", "seconds");

    @Override
    public String id() {
        return "hyper-cleaning";
    }

    @Override
    public String description() {
        return "MNIST with 2,500 of 5,000 training labels flipped: learn a weight per example (Σλ ≤ R)";
    }

    @Override
    public List<ConfigOption> options() {
        return List.of(
                ConfigOption.integer("train", 5000, 10, 50_000, "training examples"),
                ConfigOption.integer("validation", 5000, 10, 50_000, "validation examples"),
                ConfigOption.integer("corrupted", 2500, 0, 50_000, "training labels flipped to a random other class"),
                ConfigOption.integer("T", 100, 1, 100_000, "inner gradient-descent steps"),
                ConfigOption.integer("iterations", 200, 0, 1_000_000, "outer iterations"),
                ConfigOption.number("inner_lr", 0.1, 1e-9, 1e3, "inner learning rate"),
                ConfigOption.number("outer_lr", 0.005, 1e-12, 1e3, "outer Adam learning rate"),
                ConfigOption.number("R", 2500, 0, 1e9, "bound on the sum of the example weights"),
                ConfigOption.number("initial_weight", 0.5, 0, 1, "starting weight of every example"),
                ConfigOption.integer("retrain_steps", 3000, 0, 1_000_000,
                        "steps of the final retraining on weighted training plus validation"),
                ConfigOption.integer("eval_every", 10, 1, 1_000_000, "outer iterations between accuracy evaluations"),
                ConfigOption.text("strategy", "reverse", "hypergradient strategy id"),
                ConfigOption.text("store", "graphs", "reverse mode: keep each step's graph (graphs, faster) or "
                        + "recompute it from stored states (states, less memory)"));
    }

    @Override
    public Map<String, Object> quickOverrides() {
        return Map.of("train", 1000, "validation", 1000, "corrupted", 500, "T", 50, "iterations", 40,
                "outer_lr", 0.02, "R", 500.0, "retrain_steps", 500, "eval_every", 10);
    }

    /** The bilevel problem: weighted training loss inside, validation loss outside. */
    static final class WeightedMnistProblem implements Problem {
        final double[] x;
        final int[] labels;
        final double[] xv;
        final int[] yv;
        final int features;
        final double initialWeight;
        final double maxSum;

        WeightedMnistProblem(double[] x, int[] labels, double[] xv, int[] yv, int features, double initialWeight,
                             double maxSum) {
            this.x = x;
            this.labels = labels;
            this.xv = xv;
            this.yv = yv;
            this.features = features;
            this.initialWeight = initialWeight;
            this.maxSum = maxSum;
        }

        Tensor trainX(Ops ops) {
            return ops.cached(List.of(this, "x"), () -> ops.constant(x, Shape.of(labels.length, features)));
        }

        Tensor validationX(Ops ops) {
            return ops.cached(List.of(this, "xv"), () -> ops.constant(xv, Shape.of(yv.length, features)));
        }

        @Override
        public String id() {
            return "hyper-cleaning";
        }

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            double[] start = new double[labels.length];
            Arrays.fill(start, initialWeight);
            return List.of(new HyperparameterSpec(WEIGHTS, Shape.of(labels.length), start,
                    new Constraint.BoxWithSumBound(0, 1, maxSum)));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
            return SoftmaxRegression.zeros(ops, features, 10);
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
            Tensor ce = SoftmaxRegression.losses(ops, trainX(ops), labels, params);
            return ops.div(ops.sum(ops.mul(hyper.get(WEIGHTS), ce)), labels.length);
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
            return ops.mean(SoftmaxRegression.losses(ops, validationX(ops), yv, params));
        }
    }

    @Override
    public ExperimentResult run(ExperimentContext ctx) throws Exception {
        Config c = ctx.config();
        int nTrain = c.getInt("train");
        int nVal = c.getInt("validation");
        int nCorrupt = c.getInt("corrupted");
        if (nCorrupt > nTrain) {
            throw new InvalidInputException("Config 'corrupted' = " + nCorrupt + " exceeds 'train' = " + nTrain);
        }
        LabeledImages pool = ctx.dataDir().isPresent() ? Mnist.load(ctx.dataDir().get(), true) : Mnist.embeddedTrain();
        LabeledImages test = ctx.dataDir().isPresent() ? Mnist.load(ctx.dataDir().get(), false) : Mnist.embeddedTest();
        ctx.recordData(dataSource(ctx), ctx.dataDir().isPresent() ? Mnist.sha256(ctx.dataDir().get())
                : Mnist.embeddedSha256());
        Split.require(pool, nTrain + nVal, "hyper-cleaning with train " + nTrain + " and validation " + nVal);
        Random rng = new Random(ctx.seed());
        int[] perm = Split.permutation(pool.count(), rng);
        LabeledImages train = pool.subset(Split.range(perm, 0, nTrain));
        LabeledImages val = pool.subset(Split.range(perm, nTrain, nVal));
        int[] noisy = train.labels().clone();
        boolean[] corrupted = new boolean[nTrain];
        for (int i : Split.range(Split.permutation(nTrain, rng), 0, nCorrupt)) {
            noisy[i] = (noisy[i] + 1 + rng.nextInt(9)) % 10;
            corrupted[i] = true;
        }
        ctx.log(String.format("hyper-cleaning: %d training (%d flipped), %d validation, %d test examples", nTrain,
                nCorrupt, nVal, test.count()));

        Ops ops = ctx.ops();
        int f = train.features();
        WeightedMnistProblem problem = new WeightedMnistProblem(Split.toDoubles(train.pixels()), noisy,
                Split.toDoubles(val.pixels()), val.labels(), f, c.getDouble("initial_weight"), c.getDouble("R"));
        Tensor testX = ops.cached(List.of(problem, "test"), () -> ops.constant(Split.toDoubles(test.pixels()),
                Shape.of(test.count(), f)));
        int steps = c.getInt("T");
        double innerLr = c.getDouble("inner_lr");
        int evalEvery = c.getInt("eval_every");
        int iterations = c.getInt("iterations");

        List<double[]> history = ctx.history(HISTORY);
        double[] lastWeights = problem.hyperparameters().get(0).initial();
        double[][] current = {lastWeights};
        ctx.livePlots(() -> plots(List.copyOf(history), current[0], corrupted, null));
        OuterLoop.Result result;
        try (Progress bar = ctx.progress("outer iterations", iterations)) {
            result = OuterLoop.builder(ctx, "outer", history).problem(problem).solver(GradientDescent.fixedRate(innerLr))
                    .strategy(ctx.strategy(c.getString("strategy"))).innerSteps(steps).iterations(iterations)
                    .strategyOptions(c.getString("strategy").contains("reverse") ? Map.of("store", c.getString("store"))
                            : Map.of())
                    .optimizer(OuterOptimizers.adam()).schedule(LearningRateSchedule.constant(c.getDouble("outer_lr")))
                    .listener(it -> {
                        bar.resumeAt(it.index());
                        double[] w = it.values().get(WEIGHTS);
                        current[0] = w;
                        double valAcc = Double.NaN;
                        double testAcc = Double.NaN;
                        if ((it.index() + 1) % evalEvery == 0 || it.index() == iterations - 1) {
                            double[] acc = evaluate(ops, problem, w, steps, innerLr, testX, test.labels());
                            valAcc = acc[0];
                            testAcc = acc[1];
                        }
                        history.add(new double[] {it.index(), it.objective(), valAcc, testAcc, sum(w),
                                countZeros(w), it.seconds()});
                        bar.step(String.format("E=%.4f", it.objective()));
                    })
                    .build().run();
            lastWeights = result.values().get(WEIGHTS);
        }

        // Final models, retrained from zero on training (weighted) plus validation.
        int retrain = c.getInt("retrain_steps");
        double[] xAll = concat(problem.x, problem.xv);
        int[] yAll = concatLabels(noisy, val.labels());
        Tensor allX = ops.cached(List.of(problem, "all"), () -> ops.constant(xAll, Shape.of(yAll.length, f)));
        double[] learned = concat(lastWeights, ones(nVal));
        double[] unweighted = ones(nTrain + nVal);
        double[] oracle = ones(nTrain + nVal);
        for (int i = 0; i < nTrain; i++) {
            oracle[i] = corrupted[i] ? 0 : 1;
        }
        double[] accuracies = new double[3];
        String[] names = {"learned weights", "baseline", "oracle"};
        double[][] weightSets = {learned, unweighted, oracle};
        try (Progress bar = ctx.progress("retraining 3 models", 3L * retrain)) {
            for (int m = 0; m < 3; m++) {
                accuracies[m] = SoftmaxRegression.trainAndScore(ops, List.of(problem, "retrain"), allX, yAll,
                        weightSets[m], 10, retrain, innerLr, () -> bar.step(""), List.of(testX),
                        List.of(test.labels()))[0];
                ctx.log(String.format("test accuracy (%s): %.2f%%", names[m], 100 * accuracies[m]));
            }
        }

        Map<String, Object> results = new LinkedHashMap<>();
        results.put("test_accuracy", accuracies[0]);
        results.put("baseline_test_accuracy", accuracies[1]);
        results.put("oracle_test_accuracy", accuracies[2]);
        double[] prf = flagScores(lastWeights, corrupted, 0.0, true);
        double[] prfHalf = flagScores(lastWeights, corrupted, 0.5, false);
        results.put("f1", prf[2]);
        results.put("precision", prf[0]);
        results.put("recall", prf[1]);
        results.put("f1_below_half", prfHalf[2]);
        results.put("precision_below_half", prfHalf[0]);
        results.put("recall_below_half", prfHalf[1]);
        results.put("weights_zero", (int) countZeros(lastWeights));
        results.put("weights_sum", sum(lastWeights));
        results.put("final_outer_objective", history.isEmpty() ? Double.NaN : history.get(history.size() - 1)[1]);
        // what bilevel search compares: the validation loss at the last outer iteration
        results.put("validation_objective", results.get("final_outer_objective"));
        results.put("train_examples", nTrain);
        results.put("corrupted_examples", nCorrupt);
        results.put("validation_examples", nVal);
        results.put("test_examples", test.count());
        results.put("data", dataSource(ctx));

        return new ExperimentResult(results, HISTORY, history, plots(history, lastWeights, corrupted, accuracies));
    }

    private static String dataSource(ExperimentContext ctx) {
        return ctx.dataDir().map(p -> "MNIST files in " + p).orElse("embedded MNIST subset");
    }

    /** Validation and test accuracy of the model trained T steps with the given weights. */
    private static double[] evaluate(Ops ops, WeightedMnistProblem p, double[] weights, int steps, double lr,
                                     Tensor testX, int[] testLabels) {
        return SoftmaxRegression.trainAndScore(ops, List.of(p, "evaluate"), p.trainX(ops), p.labels, weights, 10,
                steps, lr, null, List.of(p.validationX(ops), testX), List.of(p.yv, testLabels));
    }

    /** Precision, recall and F1 of flagging corrupted examples: weight == 0 (exact) or weight < threshold. */
    static double[] flagScores(double[] weights, boolean[] corrupted, double threshold, boolean exactZero) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < weights.length; i++) {
            boolean flagged = exactZero ? weights[i] == 0.0 : weights[i] < threshold;
            if (flagged && corrupted[i]) {
                tp++;
            } else if (flagged) {
                fp++;
            } else if (corrupted[i]) {
                fn++;
            }
        }
        double precision = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
        double recall = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new double[] {precision, recall, f1};
    }

    /**
     * The run's plots from the history so far and the current weights; {@code finalAccuracies} (test accuracy with
     * the learned weights, of the baseline and of the oracle) adds them as reference lines once they are known.
     */
    static List<Plot> plots(List<double[]> history, double[] weights, boolean[] corrupted, double[] finalAccuracies) {
        double[] it = history.stream().mapToDouble(r -> r[0]).toArray();
        double[] obj = history.stream().mapToDouble(r -> r[1]).toArray();
        List<double[]> evals = history.stream().filter(r -> !Double.isNaN(r[2])).toList();
        double[] evalIt = evals.stream().mapToDouble(r -> r[0]).toArray();
        List<Double> clean = new ArrayList<>();
        List<Double> dirty = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            (corrupted[i] ? dirty : clean).add(weights[i]);
        }
        Map<String, double[]> acc = new LinkedHashMap<>();
        acc.put("validation", evals.stream().mapToDouble(r -> r[2]).toArray());
        acc.put("test", evals.stream().mapToDouble(r -> r[3]).toArray());
        Plot accuracy = new Plot("accuracy.png", "Accuracy of w_T(λ) per outer iteration", "outer iteration",
                "accuracy", Plot.Kind.LINE, evalIt, acc);
        if (finalAccuracies != null) {
            accuracy = accuracy.withReference("final test: learned weights", finalAccuracies[0])
                    .withReference("final test: baseline", finalAccuracies[1])
                    .withReference("final test: oracle", finalAccuracies[2]);
        }
        Map<String, double[]> hist = new LinkedHashMap<>();
        hist.put("clean examples", clean.stream().mapToDouble(Double::doubleValue).toArray());
        hist.put("corrupted examples", dirty.stream().mapToDouble(Double::doubleValue).toArray());
        return List.of(
                new Plot("outer_objective.png", "Validation loss E(w_T(λ)) per outer iteration", "outer iteration",
                        "validation cross-entropy", Plot.Kind.LINE, it, Map.of("E", obj)),
                accuracy,
                new Plot("weights_histogram.png", "Learned example weights", "weight", "examples",
                        Plot.Kind.HISTOGRAM, null, hist));
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    private static double countZeros(double[] v) {
        int n = 0;
        for (double x : v) {
            if (x == 0.0) {
                n++;
            }
        }
        return n;
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1.0);
        return v;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] concatLabels(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
