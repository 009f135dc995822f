package com.example.bilevel.plugin;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
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
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code bilevel run ridge-tuning}: tunes the L2 weight λ of a linear regression on generated data (a few informative
 * features, the rest noise) by hypergradient descent on the validation loss. The inner problem is gradient descent on
 * {@code ½‖Xw − y‖² + ½λ‖w‖²}; the outer objective is {@code ½‖X_v w_T − y_v‖²}.
 */
public final class RidgeTuning implements Experiment {

    @Override
    public String id() {
        return "ridge-tuning";
    }

    @Override
    public String description() {
        return "Generated linear regression: tune the L2 weight by hypergradient descent on the validation loss";
    }

    @Override
    public List<ConfigOption> options() {
        return List.of(
                ConfigOption.integer("examples", 40, 2, 100_000, "training and validation examples (each)"),
                ConfigOption.integer("features", 20, 1, 10_000, "features, of which 3 are informative"),
                ConfigOption.number("noise", 1.0, 0, 100, "standard deviation of the label noise"),
                ConfigOption.integer("T", 50, 1, 100_000, "inner gradient-descent steps"),
                ConfigOption.integer("iterations", 40, 0, 1_000_000, "outer iterations"),
                ConfigOption.number("outer_lr", 0.2, 1e-12, 1e3, "outer Adam learning rate"),
                ConfigOption.number("initial_l2", 0.1, 0, 1e6, "starting L2 weight"),
                ConfigOption.text("strategy", UnrolledStrategy.ID, "hypergradient strategy id"));
    }

    @Override
    public Map<String, Object> quickOverrides() {
        return Map.of("iterations", 5);
    }

    /** The ridge problem on fixed data; the data arrays become backend constants once, through {@link Ops#cached}. */
    record Ridge(int n, int d, double[] x, double[] y, double[] xv, double[] yv, double initialL2) implements Problem {
        static final String L2 = "l2";

        @Override
        public String id() {
            return "ridge";
        }

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            return List.of(HyperparameterSpec.scalar(L2, initialL2, Constraint.box(0, Double.MAX_VALUE)));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
            return List.of(ops.zeros(Shape.of(d, 1), ops.defaultDType()));
        }

        private Tensor squaredError(Ops ops, Tensor w, String split, double[] features, double[] labels) {
            Tensor xs = ops.cached(List.of(this, split, "x"), () -> ops.constant(features, Shape.of(n, d)));
            Tensor ys = ops.cached(List.of(this, split, "y"), () -> ops.constant(labels, Shape.of(n, 1)));
            return xs.matmul(w).sub(ys).square().sum().mul(0.5);
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> w, Hyperparameters hyper, int step) {
            Tensor penalty = hyper.get(L2).mul(w.get(0).square().sum()).mul(0.5);
            return squaredError(ops, w.get(0), "train", x, y).add(penalty);
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> w, Hyperparameters hyper) {
            return squaredError(ops, w.get(0), "validation", xv, yv);
        }

        /** The largest eigenvalue of {@code XᵀX} (power iteration); {@code 1/(L + λ)} is a stable step. */
        double lipschitz() {
            double[] v = new double[d];
            java.util.Arrays.fill(v, 1);
            double norm = 0;
            for (int it = 0; it < 500; it++) {
                double[] xv1 = new double[n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        xv1[i] += x[i * d + j] * v[j];
                    }
                }
                double[] next = new double[d];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        next[j] += x[i * d + j] * xv1[i];
                    }
                }
                norm = Math.sqrt(java.util.Arrays.stream(next).map(a -> a * a).sum());
                for (int j = 0; j < d; j++) {
                    v[j] = next[j] / norm;
                }
            }
            return norm;
        }
    }

    static Ridge generate(int n, int d, double noise, double initialL2, long seed) {
        Random rng = new Random(seed);
        double[] wTrue = new double[d];
        for (int j = 0; j < Math.min(3, d); j++) {
            wTrue[j] = 1 + rng.nextDouble();
        }
        double[][] split = new double[4][];
        for (int s = 0; s < 2; s++) {
            double[] x = new double[n * d];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    x[i * d + j] = rng.nextGaussian();
                    y[i] += x[i * d + j] * wTrue[j];
                }
                y[i] += noise * rng.nextGaussian();
            }
            split[2 * s] = x;
            split[2 * s + 1] = y;
        }
        return new Ridge(n, d, split[0], split[1], split[2], split[3], initialL2);
    }

    @Override
    public ExperimentResult run(ExperimentContext ctx) {
        Config c = ctx.config();
        Ridge ridge = generate(c.getInt("examples"), c.getInt("features"), c.getDouble("noise"),
                c.getDouble("initial_l2"), ctx.seed());
        InnerSolver gd = ctx.solver("gd");
        int iterations = c.getInt("iterations");
        List<double[]> history = new ArrayList<>();
        OuterLoop.Builder loop = OuterLoop.builder(ctx, "outer", history).problem(ridge).solver(gd)
                .strategy(ctx.strategy(c.getString("strategy"))).innerSteps(c.getInt("T")).iterations(iterations)
                .optimizer(OuterOptimizers.adam()).schedule(LearningRateSchedule.constant(c.getDouble("outer_lr")))
                // a fixed, stable inner step for every λ the outer loop may reach; only λ is tuned
                .initial("gd.lr", new double[] {1 / ridge.lipschitz()}).freeze("gd.lr");
        OuterLoop.Result result;
        try (Progress bar = ctx.progress("outer iterations", iterations)) {
            result = loop.listener(it -> {
                bar.resumeAt(it.index());
                history.add(new double[] {it.index(), it.objective(), it.values().get(Ridge.L2)[0]});
                bar.step(String.format("E=%.4f", it.objective()));
            }).build().run();
        }
        double learned = result.values().get(Ridge.L2)[0];
        ctx.log(String.format("l2 %.4f -> %.4f", c.getDouble("initial_l2"), learned));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("initial_l2", c.getDouble("initial_l2"));
        results.put("learned_l2", learned);
        if (!history.isEmpty()) {
            results.put("validation_loss_first", history.get(0)[1]);
            results.put("validation_loss_last", history.get(history.size() - 1)[1]);
        }
        double[] x = history.stream().mapToDouble(r -> r[0]).toArray();
        List<Plot> plots = List.of(new Plot("outer_objective.png", "Validation loss per outer iteration",
                "outer iteration", "validation loss", Plot.Kind.LINE, x,
                Map.of("E", history.stream().mapToDouble(r -> r[1]).toArray())));
        return new ExperimentResult(results, List.of("iteration", "outer_objective", "l2"), history, plots);
    }
}
