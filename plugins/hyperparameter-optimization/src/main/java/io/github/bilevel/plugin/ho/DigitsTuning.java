package io.github.bilevel.plugin.ho;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.SolverState;
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
import io.github.bilevel.data.LabeledImages;
import io.github.bilevel.data.digits.Digits;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tunes an L2 weight per parameter group of a one-hidden-layer network (W1, b1, W2, b2) together with the inner
 * solver's learning rate and momentum, by hypergradient descent on the validation loss, on the UCI digits data.
 */
public final class DigitsTuning implements Experiment {
    static final String L2 = "l2";
    private static final String[] GROUPS = {"W1", "b1", "W2", "b2"};
    static final List<String> HISTORY = List.of("iteration", "outer_objective", "l2_W1", "l2_b1", "l2_W2", "l2_b2",
            "inner_lr", "momentum");

    @Override
    public String id() {
        return "digits-tuning";
    }

    @Override
    public String description() {
        return "UCI digits: an L2 weight per parameter group plus the inner learning rate and momentum";
    }

    @Override
    public List<ConfigOption> options() {
        return List.of(
                ConfigOption.integer("train", 600, 10, 1700, "training examples"),
                ConfigOption.integer("validation", 600, 10, 1700, "validation examples"),
                ConfigOption.integer("hidden", 32, 1, 4096, "hidden units"),
                ConfigOption.integer("T", 100, 1, 100_000, "inner momentum steps"),
                ConfigOption.integer("iterations", 60, 0, 1_000_000, "outer iterations"),
                ConfigOption.number("outer_lr", 0.02, 1e-12, 1e3, "outer Adam learning rate"),
                ConfigOption.number("initial_l2", 0.05, 0, 100, "starting L2 weight of every group"),
                // the user-facing names of the two learned solver settings are those of history.csv and results.json
                ConfigOption.number("inner_lr", 0.1, 1e-6, 10, "starting inner learning rate (learned)"),
                ConfigOption.number("momentum", 0.5, 0, 0.99, "starting inner momentum (learned)"),
                ConfigOption.text("strategy", "reverse", "hypergradient strategy id"));
    }

    @Override
    public Map<String, Object> quickOverrides() {
        return Map.of("T", 40, "iterations", 15);
    }

    /** A 64 → hidden (tanh) → 10 network with an L2 weight per parameter group. */
    static final class Network implements Problem {
        final double[] x;
        final int[] y;
        final double[] xv;
        final int[] yv;
        final int hidden;
        final double initialL2;
        final double[][] init;

        Network(double[] x, int[] y, double[] xv, int[] yv, int hidden, double initialL2, long seed) {
            this.x = x;
            this.y = y;
            this.xv = xv;
            this.yv = yv;
            this.hidden = hidden;
            this.initialL2 = initialL2;
            Random rng = new Random(seed);
            init = new double[][] {gaussian(rng, 64 * hidden, 1 / Math.sqrt(64)), new double[hidden],
                gaussian(rng, hidden * 10, 1 / Math.sqrt(hidden)), new double[10]};
        }

        private static double[] gaussian(Random rng, int n, double scale) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = scale * rng.nextGaussian();
            }
            return v;
        }

        Shape[] shapes() {
            return new Shape[] {Shape.of(64, hidden), Shape.of(hidden), Shape.of(hidden, 10), Shape.of(10)};
        }

        @Override
        public String id() {
            return "digits-network";
        }

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            return List.of(new HyperparameterSpec(L2, Shape.of(GROUPS.length),
                    new double[] {initialL2, initialL2, initialL2, initialL2}, Constraint.box(0, 100)));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
            List<Tensor> p = new ArrayList<>();
            for (int i = 0; i < init.length; i++) {
                p.add(ops.constant(init[i], shapes()[i]));
            }
            return p;
        }

        static Tensor logits(Ops ops, Tensor in, List<Tensor> p) {
            Tensor h = ops.tanh(ops.add(ops.matmul(in, p.get(0)), p.get(1)));
            return ops.add(ops.matmul(h, p.get(2)), p.get(3));
        }

        Tensor trainX(Ops ops) {
            return ops.cached(List.of(this, "x"), () -> ops.constant(x, Shape.of(y.length, 64)));
        }

        Tensor validationX(Ops ops) {
            return ops.cached(List.of(this, "xv"), () -> ops.constant(xv, Shape.of(yv.length, 64)));
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> p, Hyperparameters hyper, int step) {
            Tensor loss = ops.mean(ops.softmaxCrossEntropy(logits(ops, trainX(ops), p), y));
            Tensor l2 = hyper.get(L2);
            for (int g = 0; g < GROUPS.length; g++) {
                Tensor coefficient = ops.reshape(ops.slice(l2, new int[] {g}, new int[] {1}), Shape.scalar());
                loss = ops.add(loss, ops.mul(ops.mul(coefficient, ops.sum(ops.square(p.get(g)))), 0.5));
            }
            return loss;
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> p, Hyperparameters hyper) {
            return ops.mean(ops.softmaxCrossEntropy(logits(ops, validationX(ops), p), yv));
        }
    }

    @Override
    public ExperimentResult run(ExperimentContext ctx) throws Exception {
        Config c = ctx.config();
        LabeledImages data = ctx.dataDir().isPresent() ? Digits.load(ctx.dataDir().get()) : Digits.embedded();
        ctx.recordData(ctx.dataDir().map(p -> "digits files in " + p).orElse("embedded UCI digits"),
                ctx.dataDir().isPresent() ? Digits.sha256(ctx.dataDir().get()) : Digits.embeddedSha256());
        int nTrain = c.getInt("train");
        int nVal = c.getInt("validation");
        Split.require(data, nTrain + nVal + 1, "digits-tuning with train " + nTrain + " and validation " + nVal);
        Random rng = new Random(ctx.seed());
        int[] perm = Split.permutation(data.count(), rng);
        LabeledImages train = data.subset(Split.range(perm, 0, nTrain));
        LabeledImages val = data.subset(Split.range(perm, nTrain, nVal));
        LabeledImages test = data.subset(Split.range(perm, nTrain + nVal, data.count() - nTrain - nVal));
        Network net = new Network(Split.toDoubles(train.pixels()), train.labels(), Split.toDoubles(val.pixels()),
                val.labels(), c.getInt("hidden"), c.getDouble("initial_l2"), ctx.seed() + 1);
        InnerSolver solver = ctx.solver("momentum");
        Map<String, double[]> start = new LinkedHashMap<>(HyperparameterValues.initial(net, solver));
        start.put("momentum.lr", new double[] {c.getDouble("inner_lr")});
        start.put("momentum.mu", new double[] {c.getDouble("momentum")});
        Ops ops = ctx.ops();
        Tensor testX = ops.cached(List.of(net, "test"), () -> ops.constant(Split.toDoubles(test.pixels()),
                Shape.of(test.count(), 64)));
        int steps = c.getInt("T");
        double[] before = evaluate(ops, net, solver, start, steps, testX, test.labels());

        List<double[]> history = ctx.history(HISTORY);
        ctx.livePlots(() -> plots(List.copyOf(history)));
        OuterLoop.Builder loop = OuterLoop.builder(ctx, "outer", history).problem(net).solver(solver)
                .strategy(ctx.strategy(c.getString("strategy"))).innerSteps(steps).iterations(c.getInt("iterations"))
                .optimizer(OuterOptimizers.adam()).schedule(LearningRateSchedule.constant(c.getDouble("outer_lr")));
        start.forEach(loop::initial);
        OuterLoop.Result result;
        try (Progress bar = ctx.progress("outer iterations", c.getInt("iterations"))) {
            result = loop.listener(it -> {
                bar.resumeAt(it.index());
                double[] l2 = it.values().get(L2);
                history.add(new double[] {it.index(), it.objective(), l2[0], l2[1], l2[2], l2[3],
                        it.values().get("momentum.lr")[0], it.values().get("momentum.mu")[0]});
                bar.step(String.format("E=%.4f", it.objective()));
            }).build().run();
        }
        double[] after = evaluate(ops, net, solver, result.values(), steps, testX, test.labels());
        ctx.log(String.format("validation loss %.4f -> %.4f, test accuracy %.2f%% -> %.2f%%", before[0], after[0],
                100 * before[1], 100 * after[1]));

        Map<String, Object> results = new LinkedHashMap<>();
        results.put("validation_loss_before", before[0]);
        results.put("validation_loss_after", after[0]);
        results.put("validation_objective", after[0]); // what bilevel search compares
        results.put("test_accuracy_before", before[1]);
        results.put("test_accuracy_after", after[1]);
        Map<String, Object> learned = new LinkedHashMap<>();
        for (int g = 0; g < GROUPS.length; g++) {
            learned.put("l2." + GROUPS[g], result.values().get(L2)[g]);
        }
        learned.put("inner_lr", result.values().get("momentum.lr")[0]);
        learned.put("momentum", result.values().get("momentum.mu")[0]);
        results.put("learned", learned);
        results.put("train_examples", nTrain);
        results.put("validation_examples", nVal);
        results.put("test_examples", test.count());

        return new ExperimentResult(results, HISTORY, history, plots(history));
    }

    /** The run's plots from the history so far. */
    static List<Plot> plots(List<double[]> history) {
        double[] it = history.stream().mapToDouble(r -> r[0]).toArray();
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int g = 0; g < GROUPS.length; g++) {
            final int col = 2 + g;
            series.put("l2 " + GROUPS[g], history.stream().mapToDouble(r -> r[col]).toArray());
        }
        series.put("inner_lr", history.stream().mapToDouble(r -> r[6]).toArray());
        series.put("momentum", history.stream().mapToDouble(r -> r[7]).toArray());
        return List.of(
                new Plot("outer_objective.png", "Validation loss per outer iteration", "outer iteration",
                        "validation cross-entropy", Plot.Kind.LINE, it,
                        Map.of("E", history.stream().mapToDouble(r -> r[1]).toArray())),
                new Plot("hyperparameters.png", "Hyperparameters per outer iteration", "outer iteration", "value",
                        Plot.Kind.LINE, it, series));
    }

    /** Validation loss and test accuracy after T inner steps with the given hyperparameters. */
    private static double[] evaluate(Ops ops, Network net, InnerSolver solver, Map<String, double[]> values, int steps,
                                     Tensor testX, int[] testLabels) {
        try (Scope s = ops.scope()) {
            Hyperparameters hyper = HyperparameterValues.tensors(ops, net, solver, values);
            SolverState state = solver.initialize(ops, net.initialParameters(ops, hyper), hyper);
            for (int t = 0; t < steps; t++) {
                List<Tensor> g = ops.grad(net.innerObjective(ops, state.parameters(), hyper, t), state.parameters(),
                        false);
                state = solver.step(ops, state, g, hyper, t);
            }
            double loss = net.outerObjective(ops, state.parameters(), hyper).item();
            double[] z = Network.logits(ops, testX, state.parameters()).toDoubleArray();
            return new double[] {loss, SoftmaxRegression.accuracy(z, testLabels, 10)};
        }
    }
}
