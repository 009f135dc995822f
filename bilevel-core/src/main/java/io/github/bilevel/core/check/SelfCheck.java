package io.github.bilevel.core.check;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.hypergradient.ForwardMode;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.Adam;
import io.github.bilevel.support.solver.GradientDescent;
import io.github.bilevel.support.solver.Momentum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The hypergradient self-check: every strategy against the closed-form ridge hypergradient, against finite
 * differences and against each other, in float64 on a given backend. {@code bilevel check} prints its results; the
 * strategy conformance suite asserts them.
 */
public final class SelfCheck {
    private SelfCheck() {
    }

    /** Outcome of one check; UNAVAILABLE when a strategy it needs is not on the path. */
    public enum Status { PASSED, FAILED, UNAVAILABLE }

    /** One check: what was compared, the outcome, and the measured error or the reason. */
    public record Result(String name, Status status, String detail) {
        public boolean passed() {
            return status == Status.PASSED;
        }
    }

    /** Runs every check on {@code backend} in float64 with the given strategies (looked up by id). */
    public static List<Result> run(Backend backend, List<HypergradientStrategy> strategies) {
        Map<String, HypergradientStrategy> byId = new LinkedHashMap<>();
        for (HypergradientStrategy s : strategies) {
            if (byId.putIfAbsent(s.id(), s) != null) {
                throw new IllegalArgumentException("Two strategies have the id '" + s.id() + "': "
                        + byId.get(s.id()).getClass().getName() + " and " + s.getClass().getName());
            }
        }
        List<Result> results = new ArrayList<>();
        try (Engine ops = new Engine(backend, DType.FLOAT64)) {
            new Checks(ops, byId, results).all();
        }
        return results;
    }

    private static final class Checks {
        private final Ops ops;
        private final Map<String, HypergradientStrategy> strategies;
        private final List<Result> results;
        private final RidgeRegressionProblem ridge = new RidgeRegressionProblem();
        private final InnerSolver ridgeGd = new GradientDescent(1.0 / ridge.lipschitzConstant(3.0));

        Checks(Ops ops, Map<String, HypergradientStrategy> strategies, List<Result> results) {
            this.ops = ops;
            this.strategies = strategies;
            this.results = results;
        }

        void all() {
            ridgeChecks();
            weightedChecks();
            derivedChecks();
            solverChecks();
            realTimeCheck();
            bitForBitCheck();
        }

        private final StringBuilder measured = new StringBuilder();

        private void record(String name, Supplier<String> check) {
            measured.setLength(0);
            try {
                String failure = check.get();
                results.add(failure == null ? new Result(name, Status.PASSED, measured.toString().trim())
                        : new Result(name, Status.FAILED, failure));
            } catch (MissingStrategy e) {
                results.add(new Result(name, Status.UNAVAILABLE, e.getMessage()));
            } catch (RuntimeException e) {
                results.add(new Result(name, Status.FAILED, e.toString()));
            }
        }

        private HypergradientStrategy strategy(String id) {
            HypergradientStrategy s = strategies.get(id);
            if (s == null) {
                throw new MissingStrategy("strategy '" + id + "' not found (for implicit-* add plugins/strategies-implicit)");
            }
            return s;
        }

        private double ridgeHypergradient(String strategy, int steps) {
            return HyperparameterValues.compute(ops, strategy(strategy), ridge, ridgeGd, Map.of(), steps, Map.of())
                    .get(RidgeRegressionProblem.LAMBDA)[0];
        }

        private String compare(String what, double actual, double expected, double rtol) {
            double err = Math.abs(actual - expected);
            if (err <= 1e-12 + rtol * Math.abs(expected)) {
                if (measured.length() < 200) {
                    measured.append(String.format("%s: relative error %.2g; ", what,
                            err / Math.max(Math.abs(expected), 1e-300)));
                }
                return null;
            }
            return String.format("%s: %.17g vs %.17g (|error| %.3g, allowed %.3g)", what, actual, expected, err,
                    1e-12 + rtol * Math.abs(expected));
        }

        private static String first(String... failures) {
            for (String f : failures) {
                if (f != null) {
                    return f;
                }
            }
            return null;
        }

        void ridgeChecks() {
            double closed = ridge.closedFormHypergradient(3.0);
            record("ridge T=50: reverse = forward (rtol 1e-12)", () ->
                    compare("reverse vs forward", ridgeHypergradient("reverse", 50), ridgeHypergradient("forward", 50),
                            1e-12));
            record("ridge T=50: reverse and forward = central differences of f_T (rtol 1e-7)", () -> {
                double numeric = GradientCheck.numeric(ops, ridge, ridgeGd,
                        HyperparameterValues.initial(ridge, ridgeGd), 50, RidgeRegressionProblem.LAMBDA, 0, 1e-3);
                return first(compare("reverse vs differences", ridgeHypergradient("reverse", 50), numeric, 1e-7),
                        compare("forward vs differences", ridgeHypergradient("forward", 50), numeric, 1e-7));
            });
            record("ridge T=500: reverse and forward = closed form (rtol 1e-9)", () -> first(
                    compare("reverse vs closed form", ridgeHypergradient("reverse", 500), closed, 1e-9),
                    compare("forward vs closed form", ridgeHypergradient("forward", 500), closed, 1e-9)));
            record("ridge: implicit-cg = closed form (rtol 1e-8)", () ->
                    compare("implicit-cg", ridgeHypergradient("implicit-cg", 500), closed, 1e-8));
            record("ridge: implicit-fixed-point = closed form (rtol 1e-6)", () ->
                    compare("implicit-fixed-point", ridgeHypergradient("implicit-fixed-point", 500), closed, 1e-6));
            record("ridge: implicit-neumann = closed form (rtol 1e-6)", () ->
                    compare("implicit-neumann", ridgeHypergradient("implicit-neumann", 500), closed, 1e-6));
            record("ridge T=1 from w_0 = 0: hypergradient exactly zero", () -> {
                double r = ridgeHypergradient("reverse", 1);
                double f = ridgeHypergradient("forward", 1);
                return r == 0.0 && f == 0.0 ? null : "reverse " + r + ", forward " + f;
            });
        }

        void derivedChecks() {
            RepresentationRidgeProblem p = new RepresentationRidgeProblem(9, 1.0);
            InnerSolver gd = new GradientDescent(p.safeLearningRate());
            Map<String, double[]> at = Map.of(GradientDescent.LR, new double[] {p.safeLearningRate()});
            java.util.function.BiFunction<String, Integer, double[]> g = (id, steps) -> HyperparameterValues.compute(ops,
                    strategy(id), p, gd, at, steps, Map.of()).get(RepresentationRidgeProblem.MAP);
            // The strategies' agreement does not need a long horizon (forward mode carries one tangent per element of
            // the map, the costliest case on an eager backend); the implicit one does, to be near the inner optimum.
            record("shared representation (Problem.derived) T=200: reverse = forward (rtol 1e-10)", () -> {
                double[] r = g.apply("reverse", 200);
                double[] f = g.apply("forward", 200);
                for (int i = 0; i < r.length; i++) {
                    String failure = compare("A[" + i + "]", r[i], f[i], 1e-10);
                    if (failure != null) {
                        return failure;
                    }
                }
                return null;
            });
            record("shared representation T=1000: implicit-cg = reverse (rtol 1e-6)", () -> {
                double[] r = g.apply("reverse", 1000);
                double[] c = g.apply("implicit-cg", 1000);
                for (int i = 0; i < r.length; i++) {
                    String failure = compare("A[" + i + "]", c[i], r[i], 1e-6);
                    if (failure != null) {
                        return failure;
                    }
                }
                return null;
            });
        }

        void weightedChecks() {
            record("per-example weights T=2000: reverse = closed form (rtol 1e-6)", () -> {
                WeightedRegressionProblem p = new WeightedRegressionProblem();
                double[] gamma = p.hyperparameters().get(0).initial();
                InnerSolver gd = new GradientDescent(1.0 / p.lipschitzConstant(gamma));
                double[] g = HyperparameterValues.compute(ops, strategy("reverse"), p, gd, Map.of(), 2000, Map.of())
                        .get(WeightedRegressionProblem.GAMMA);
                double[] expected = p.closedFormHypergradient(gamma);
                for (int i = 0; i < g.length; i++) {
                    String f = compare("gamma[" + i + "]", g[i], expected[i], 1e-6);
                    if (f != null) {
                        return f;
                    }
                }
                return null;
            });
        }

        void solverChecks() {
            double l = ridge.lipschitzConstant(3.0);
            List<InnerSolver> solvers = List.of(new GradientDescent(0.5 / l), new Momentum(0.5 / l, 0.5, false),
                    new Momentum.Nesterov(0.5 / l, 0.5), new Adam(0.05, 0.8, 0.9, 1e-8));
            for (InnerSolver solver : solvers) {
                record(solver.id() + " T=20: hypergradients of the solver's settings = central differences (rtol 1e-6)",
                        () -> {
                            List<GradientCheck.Component> cs = GradientCheck.check(ops, strategy("reverse"), ridge,
                                    solver, Map.of(), 20, Map.of(), 1e-3);
                            for (GradientCheck.Component c : cs) {
                                String f = compare(c.name() + "[" + c.index() + "]", c.analytic(), c.numeric(), 1e-6);
                                if (f != null) {
                                    return f;
                                }
                            }
                            return null;
                        });
            }
            record("adam from zero gradients: hypergradients finite", () -> {
                Problem p = new ZeroGradientProblem();
                InnerSolver adam = new Adam();
                for (String id : List.of("reverse", "forward")) {
                    Hypergradient g = HyperparameterValues.compute(ops, strategy(id), p, adam, Map.of(), 10, Map.of());
                    for (Map.Entry<String, double[]> e : g.gradients().entrySet()) {
                        for (double v : e.getValue()) {
                            if (!Double.isFinite(v)) {
                                return id + ": " + e.getKey() + " = " + Arrays.toString(e.getValue());
                            }
                        }
                    }
                }
                return null;
            });
        }

        void realTimeCheck() {
            record("real-time forward: hypergradient at step t = forward mode stopped at t (t = 1..10, rtol 1e-12)",
                    () -> {
                        Map<Integer, Double> seen = new LinkedHashMap<>();
                        Hyperparameters hyper = HyperparameterValues.tensors(ops, ridge, ridgeGd, Map.of());
                        new ForwardMode().runRealTime(new HypergradientRequest(ops, ridge, ridgeGd, hyper, 10,
                                Map.of()), (t, g) -> {
                                    seen.put(t, g.get(RidgeRegressionProblem.LAMBDA)[0]);
                                    return null;
                                });
                        for (int t = 1; t <= 10; t++) {
                            String f = compare("step " + t, seen.get(t), ridgeHypergradient("forward", t), 1e-12);
                            if (f != null) {
                                return f;
                            }
                        }
                        return null;
                    });
        }

        void bitForBitCheck() {
            record("truncated (K = T), checkpointed (every interval) and stored graphs = reverse, bit for bit (T = 12)",
                    () -> {
                int steps = 12;
                double full = ridgeHypergradient("reverse", steps);
                double graphs = HyperparameterValues.compute(ops, strategy("reverse"), ridge, ridgeGd, Map.of(), steps,
                        Map.of("store", "graphs")).get(RidgeRegressionProblem.LAMBDA)[0];
                if (Double.doubleToLongBits(graphs) != Double.doubleToLongBits(full)) {
                    return "store=graphs " + graphs + " vs reverse " + full;
                }
                double truncated = HyperparameterValues.compute(ops, strategy("truncated-reverse"), ridge, ridgeGd, Map.of(),
                        steps, Map.of("truncate", String.valueOf(steps))).get(RidgeRegressionProblem.LAMBDA)[0];
                if (Double.doubleToLongBits(truncated) != Double.doubleToLongBits(full)) {
                    return "truncated " + truncated + " vs reverse " + full;
                }
                for (int k = 1; k <= steps; k++) {
                    double c = HyperparameterValues.compute(ops, strategy("checkpointed-reverse"), ridge, ridgeGd, Map.of(),
                            steps, Map.of("interval", String.valueOf(k))).get(RidgeRegressionProblem.LAMBDA)[0];
                    if (Double.doubleToLongBits(c) != Double.doubleToLongBits(full)) {
                        return "checkpointed interval " + k + ": " + c + " vs reverse " + full;
                    }
                }
                return null;
            });
        }
    }

    private static final class MissingStrategy extends RuntimeException {
        MissingStrategy(String message) {
            super(message);
        }
    }

    /** {@code L = ½‖w − c‖²} with zeros in c, so Adam sees exactly zero gradients there from the start. */
    private static final class ZeroGradientProblem implements Problem {
        private static final double[] C = {1.0, 0.0, -2.0, 0.0};
        private static final double[] TARGET = {0.5, 0.0, -1.0, 0.0};

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            return List.of(new HyperparameterSpec("offset", Shape.of(4), new double[4], Constraint.none()));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
            return List.of(ops.zeros(Shape.of(4), ops.defaultDType()));
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> w, Hyperparameters hyper, int step) {
            Tensor c = ops.add(ops.constant(C, Shape.of(4)), ops.mul(hyper.get("offset"), 0.0));
            return ops.mul(ops.sum(ops.square(ops.sub(w.get(0), c))), 0.5);
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> w, Hyperparameters hyper) {
            return ops.mul(ops.sum(ops.square(ops.sub(w.get(0), ops.constant(TARGET, Shape.of(4))))), 0.5);
        }
    }
}
