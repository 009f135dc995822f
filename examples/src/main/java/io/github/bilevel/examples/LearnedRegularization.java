package io.github.bilevel.examples;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.outer.LearningRateSchedule;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Learns one L2 weight per feature of a linear regression by hypergradient descent on the validation loss. The
 * data are synthetic: only the first 3 of 20 features matter, so the learned weights should grow on the other 17.
 */
public final class LearnedRegularization {

    /** The problem: about thirty lines, written against the API only. */
    static final class PerFeatureRidge implements Problem {
        final int n = 40;
        final int d = 20;
        final double[] x;
        final double[] y;
        final double[] xv;
        final double[] yv;

        PerFeatureRidge(long seed) {
            Random rng = new Random(seed);
            x = gaussian(rng, n * d);
            xv = gaussian(rng, n * d);
            y = targets(rng, x);
            yv = targets(rng, xv);
        }

        private double[] targets(Random rng, double[] features) {
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = features[i * d] - 2 * features[i * d + 1] + 0.5 * features[i * d + 2] + 0.3 * rng.nextGaussian();
            }
            return t;
        }

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            double[] start = new double[d];
            java.util.Arrays.fill(start, 1.0);
            return List.of(new HyperparameterSpec("l2", Shape.of(d, 1), start, Constraint.box(0, 1e3)));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters h) {
            return List.of(ops.zeros(Shape.of(d, 1), ops.defaultDType()));
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> w, Hyperparameters h, int step) {
            Tensor r = ops.constant(x, Shape.of(n, d)).matmul(w.get(0)).sub(ops.constant(y, Shape.of(n, 1)));
            Tensor penalty = h.get("l2").mul(w.get(0).square()).sum();
            return r.square().mean().add(penalty.mul(0.5 / n));
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> w, Hyperparameters h) {
            Tensor r = ops.constant(xv, Shape.of(n, d)).matmul(w.get(0)).sub(ops.constant(yv, Shape.of(n, 1)));
            return r.square().mean();
        }
    }

    private static double[] gaussian(Random rng, int k) {
        double[] v = new double[k];
        for (int i = 0; i < k; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    /** Runs the example and returns the validation loss before and after, for callers that check it. */
    public static double[] run(BilevelRuntime runtime, int iterations, java.io.PrintStream out) {
        PerFeatureRidge problem = new PerFeatureRidge(42);
        GradientDescent solver = new GradientDescent(0.1);
        Hypergradient first = HyperparameterValues.compute(runtime.ops(), runtime.strategy("reverse"), problem, solver,
                Map.of(), 100, Map.of());
        out.printf("backend %s: f_T = %.5f, |hypergradient| of l2 = %.3g%n", runtime.backendId(),
                first.outerObjective(), norm(first.get("l2")));
        OuterLoop.Result result = OuterLoop.builder()
                .ops(runtime.ops()).problem(problem).solver(solver).strategy(runtime.strategy("reverse"))
                .innerSteps(100).iterations(iterations).freeze(GradientDescent.LR)
                .optimizer(OuterOptimizers.adam()).schedule(LearningRateSchedule.constant(0.3))
                .listener(it -> {
                    if (it.index() % 10 == 0) {
                        out.printf("outer %3d  validation loss %.5f%n", it.index(), it.objective());
                    }
                })
                .build().run();
        double[] l2 = result.values().get("l2");
        double useful = (l2[0] + l2[1] + l2[2]) / 3;
        double noise = 0;
        for (int j = 3; j < l2.length; j++) {
            noise += l2[j] / (l2.length - 3);
        }
        double last = result.history().get(result.history().size() - 1).objective();
        out.printf("validation loss %.5f -> %.5f; mean l2 on the 3 useful features %.3f, on the 17 noise features %.3f%n",
                first.outerObjective(), last, useful, noise);
        return new double[] {first.outerObjective(), last, useful, noise};
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    public static void main(String[] args) {
        try (BilevelRuntime runtime = BilevelRuntime.builder().dtype(DType.FLOAT32).build()) {
            run(runtime, 60, System.out);
        }
    }
}
