package io.github.bilevel.testkit;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.GraphPolicy;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.RepresentationRidgeProblem;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.check.SelfCheck;
import io.github.bilevel.core.discovery.Discovered;
import io.github.bilevel.core.discovery.ServiceDiscovery;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every hypergradient strategy meets on a backend, in float64: each check of {@link SelfCheck} (closed
 * forms, finite differences, agreement between strategies, bit-for-bit equality of reverse-mode variants), and the
 * memory behaviour of reverse and truncated reverse mode measured through the engine's native-byte accounting.
 * Strategies are discovered with {@link java.util.ServiceLoader}; the implicit ones must be on the class path.
 */
public abstract class StrategyConformanceSuite extends BackendTestBase {




    private static List<HypergradientStrategy> strategies() {
        Discovered<HypergradientStrategy> d = ServiceDiscovery.discover(HypergradientStrategy.class);
        assertTrue(d.failures().isEmpty(), d.failures().toString());
        return d.providers().stream().map(Discovered.Found::provider).toList();
    }

    @TestFactory
    Stream<DynamicTest> selfCheck() {
        return SelfCheck.run(backend(), strategies()).stream().map(r -> DynamicTest.dynamicTest(r.name(), () ->
                assertEquals(SelfCheck.Status.PASSED, r.status(), r.name() + ": " + r.detail())));
    }

    /**
     * float32: every strategy's ridge hypergradient (T = 50; the implicit ones at T = 500, near the inner optimum) and
     * the hypergradient of a shared representation (reverse mode) agree with the same computation in float64 on this
     * backend within rtol 1e-3.
     */
    @TestFactory
    Stream<DynamicTest> float32AgreesWithFloat64() {
        RidgeRegressionProblem ridge = new RidgeRegressionProblem();
        GradientDescent gd = new GradientDescent(1.0 / ridge.lipschitzConstant(3.0));
        List<DynamicTest> tests = new java.util.ArrayList<>();
        for (HypergradientStrategy s : strategies()) {
            int steps = s.id().startsWith("implicit") ? 500 : 50;
            tests.add(DynamicTest.dynamicTest(s.id() + " on ridge, T=" + steps, () ->
                    assertAgree(s, ridge, gd, steps, RidgeRegressionProblem.LAMBDA)));
        }
        RepresentationRidgeProblem rep = new RepresentationRidgeProblem(9, 1.0);
        tests.add(DynamicTest.dynamicTest("reverse on a shared representation, T=100", () -> assertAgree(
                strategy("reverse"), rep, new GradientDescent(rep.safeLearningRate()), 100,
                RepresentationRidgeProblem.MAP)));
        return tests.stream();
    }

    private void assertAgree(HypergradientStrategy s, Problem p, GradientDescent gd, int steps, String name) {
        double[] single;
        double[] dbl;
        try (Engine f32 = new Engine(backend(), DType.FLOAT32); Engine f64 = new Engine(backend(), DType.FLOAT64)) {
            single = HyperparameterValues.compute(f32, s, p, gd, Map.of(), steps, Map.of()).get(name);
            dbl = HyperparameterValues.compute(f64, s, p, gd, Map.of(), steps, Map.of()).get(name);
        }
        double scale = 0;
        for (double v : dbl) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < dbl.length; i++) {
            assertEquals(dbl[i], single[i], 1e-3 * scale, s.id() + " " + name + "[" + i + "] float32 vs float64");
        }
    }

    /**
     * Compiled (or replayed) hypergradients whose products are above the merge threshold ({@link WideRidgeProblem}),
     * so that the merge pass runs, against eager ones ({@code compile=off}): bit for bit on a backend that compiles
     * (ADR 0011: merged products of at least two columns on each side give the eager bits), within rtol 1e-12 on one
     * that interprets (its merged products may sum in another order); repeated compiled runs give the same bits.
     */
    @TestFactory
    Stream<DynamicTest> compiledAboveTheMergeThresholdAgreesWithEager() {
        return Stream.of("reverse", "forward").map(id -> DynamicTest.dynamicTest(id, () -> {
            WideRidgeProblem p = new WideRidgeProblem();
            GradientDescent gd = new GradientDescent(0.2);
            int steps = 6;
            try (Engine ops = new Engine(backend(), DType.FLOAT64)) {
                double eager = HyperparameterValues.compute(ops, strategy(id), p, gd, Map.of(), steps,
                        Map.of("compile", "off")).get(WideRidgeProblem.LAMBDA)[0];
                double first = HyperparameterValues.compute(ops, strategy(id), p, gd, Map.of(), steps, Map.of())
                        .get(WideRidgeProblem.LAMBDA)[0];
                double again = HyperparameterValues.compute(ops, strategy(id), p, gd, Map.of(), steps, Map.of())
                        .get(WideRidgeProblem.LAMBDA)[0];
                assertEquals(Double.doubleToLongBits(first), Double.doubleToLongBits(again),
                        id + ": compiled runs " + first + " and " + again);
                Optional<GraphPolicy> policy = backend().capability(GraphCompiler.class).map(GraphCompiler::policy);
                boolean interprets = backend().capability(GraphCompiler.class).map(GraphCompiler::interprets)
                        .orElse(false);
                policy.ifPresent(pol -> assertTrue(pol.mergeMinLeftElements() <= (long) WideRidgeProblem.ROWS
                        * WideRidgeProblem.FEATURES || !pol.mergesProducts(), "the case is below " + pol));
                if (interprets) {
                    assertEquals(eager, first, 1e-12 * Math.abs(eager), id + ": replayed vs eager");
                } else {
                    assertEquals(Double.doubleToLongBits(eager), Double.doubleToLongBits(first),
                            id + ": compiled " + first + " vs eager " + eager);
                }
            }
        }));
    }

    /** A separable quadratic whose state is 2^17 float64 values (1 MiB). */
    static final class LargeStateProblem implements Problem {
        static final int SIZE = 1 << 17;

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            return List.of(HyperparameterSpec.scalar("l2", 0.5, Constraint.none()));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
            return List.of(ops.zeros(Shape.of(SIZE), ops.defaultDType()));
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> w, Hyperparameters hyper, int step) {
            Tensor x = w.get(0);
            Tensor fit = ops.sum(ops.square(ops.sub(x, 1.0)));
            return ops.mul(ops.add(fit, ops.mul(hyper.get("l2"), ops.sum(ops.square(x)))), 0.5);
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> w, Hyperparameters hyper) {
            return ops.mul(ops.sum(ops.square(ops.sub(w.get(0), 0.8))), 0.5);
        }
    }

    /** Peak native bytes above the baseline while computing one hypergradient. */
    private long extraBytes(Engine ops, HypergradientStrategy s, int steps, Map<String, String> options) {
        long base = ops.memory().liveBytes();
        ops.resetPeak();
        HyperparameterValues.compute(ops, s, new LargeStateProblem(), new GradientDescent(0.1), Map.of(), steps, options);
        assertEquals(base, ops.memory().liveBytes(), "memory not returned after the hypergradient");
        return ops.memory().peakBytes() - base;
    }

    private static HypergradientStrategy strategy(String id) {
        return strategies().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void reverseModeMemoryGrowsByOneStoredStatePerStep() {
        long stateBytes = (long) LargeStateProblem.SIZE * DType.FLOAT64.bytes();
        try (Engine ops = new Engine(backend(), DType.FLOAT64)) {
            HypergradientStrategy reverse = strategy("reverse");
            long m8 = extraBytes(ops, reverse, 8, Map.of());
            long m16 = extraBytes(ops, reverse, 16, Map.of());
            long m32 = extraBytes(ops, reverse, 32, Map.of());
            double slope = (m32 - m8) / 24.0;
            String figures = "extra bytes at T=8,16,32: " + m8 + ", " + m16 + ", " + m32 + "; state " + stateBytes;
            // README and docs/BENCHMARKS.md promise 1.00 stored state per inner step
            assertTrue(Math.abs(slope / stateBytes - 1.0) <= 0.05, "not 1.00 +- 0.05 states per step ("
                    + slope / stateBytes + "): " + figures);
            // linear: the midpoint lies on the line through the ends, within one state
            assertTrue(Math.abs(m16 - (m8 + 8 * slope)) <= stateBytes, "not linear in T: " + figures);
        }
    }

    @Test
    void truncatedReverseModeMemoryDoesNotDependOnT() {
        try (Engine ops = new Engine(backend(), DType.FLOAT64)) {
            HypergradientStrategy truncated = strategy("truncated-reverse");
            long m8 = extraBytes(ops, truncated, 8, Map.of("truncate", "4"));
            long m32 = extraBytes(ops, truncated, 32, Map.of("truncate", "4"));
            assertEquals(m8, m32, "truncated mode (K=4) extra bytes at T=8 and T=32");
        }
    }
}
