package io.github.bilevel.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.HypergradientSpec;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.hypergradient.ForwardMode;
import io.github.bilevel.core.hypergradient.Hypergradients;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The named entry point on the built-in pure-Java backend, selected by name. */
class HypergradientSpecTest {
    private static final RidgeRegressionProblem RIDGE = new RidgeRegressionProblem();
    private static final GradientDescent GD = new GradientDescent(1.0 / RIDGE.lipschitzConstant(3.0));
    private static BilevelRuntime rt;

    @BeforeAll
    static void start() {
        rt = BilevelRuntime.builder().backend("reference").dtype(DType.FLOAT64).selectionInputs(null, Map.of()).build();
    }

    @AfterAll
    static void stop() {
        rt.close();
    }

    @Test
    void ridgeHypergradientMatchesACentralDifferenceOfTheUnrolledObjective() {
        assertEquals("reference", rt.backendId());
        HypergradientSpec spec = HypergradientSpec.of(RIDGE, GD, 200).at(RidgeRegressionProblem.LAMBDA, 2.5);
        double g = rt.hypergradient(spec).get(RidgeRegressionProblem.LAMBDA)[0];
        double h = 1e-5;
        double fd = (Hypergradients.objective(rt.ops(), RIDGE, GD, Map.of("lambda", new double[] {2.5 + h}), 200)
                - Hypergradients.objective(rt.ops(), RIDGE, GD, Map.of("lambda", new double[] {2.5 - h}), 200)) / (2 * h);
        assertEquals(fd, g, 1e-7 * Math.max(1, Math.abs(fd)));
        // After 200 steps the inner problem is nearly solved: close to the closed form at the inner optimum too.
        assertEquals(RIDGE.closedFormHypergradient(2.5), g, 1e-3 * Math.abs(RIDGE.closedFormHypergradient(2.5)));
    }

    @Test
    void theSpecNamesWhatTheLowLevelCallTakesPositionally() {
        HypergradientSpec spec = HypergradientSpec.of(RIDGE, GD, 30).strategy("truncated-reverse")
                .option("truncate", 5).at("lambda", 4.0);
        double viaSpec = rt.hypergradient(spec).get("lambda")[0];
        double viaValues = HyperparameterValues.compute(rt.ops(), new ReverseMode.Truncated(), RIDGE, GD,
                Map.of("lambda", new double[] {4.0}), 30, Map.of("truncate", "5")).get("lambda")[0];
        assertEquals(viaValues, viaSpec, 0.0);
        double full = rt.hypergradient(spec.strategy("reverse").option("truncate", 30)).get("lambda")[0];
        assertTrue(Math.abs(full - viaSpec) > 1e-6 * Math.abs(full), "truncation must change the result: " + full);
        // An instance instead of an id: for code that sees the API only.
        assertEquals(viaSpec, HyperparameterValues.compute(rt.ops(), spec.strategy(new ReverseMode.Truncated())).get("lambda")[0], 0.0);
    }

    @Test
    void aSpecIsImmutable() {
        HypergradientSpec base = HypergradientSpec.of(RIDGE, GD, 10);
        HypergradientSpec changed = base.strategy("forward").option("compile", "off").at("lambda", 1.0);
        assertEquals("reverse", base.strategyId());
        assertEquals(Map.of(), base.options());
        assertTrue(base.values().isEmpty());
        assertEquals("forward", changed.strategyId());
        assertEquals(Map.of("compile", "off"), changed.options());
        assertEquals("50", base.option("truncate", 50).options().get("truncate"));
    }

    @Test
    void aMisspelledOptionIsAnErrorNamingTheClosestOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rt.hypergradient(
                HypergradientSpec.of(RIDGE, GD, 10).strategy("truncated-reverse").option("trunc", 400)));
        assertEquals("Strategy 'truncated-reverse' has no option 'trunc'; did you mean 'truncate'? Its options: "
                + "compile, interval, store, truncate", e.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> rt.hypergradient(
                HypergradientSpec.of(RIDGE, GD, 10).strategy("forward").option("truncate", 4)));
        assertEquals("Strategy 'forward' has no option 'truncate'. Its options: compile", none.getMessage());
        // The outer loop checks when it is built, before any work.
        IllegalArgumentException outer = assertThrows(IllegalArgumentException.class, () -> OuterLoop.builder()
                .ops(rt.ops()).problem(RIDGE).solver(GD).strategy(new ForwardMode())
                .strategyOptions(Map.of("intervall", "3")).build());
        assertTrue(outer.getMessage().startsWith("Strategy 'forward' has no option 'intervall'"), outer.getMessage());
    }

    @Test
    void badInputIsAClearError() {
        assertEquals("The number of inner steps T must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> HypergradientSpec.of(RIDGE, GD, -1)).getMessage());
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> rt.hypergradient(HypergradientSpec.of(RIDGE, GD, 5).strategy("revers"))).getMessage();
        assertTrue(unknown.startsWith("Unknown hypergradient strategy 'revers'. Known: "), unknown);
        String name = assertThrows(IllegalArgumentException.class,
                () -> rt.hypergradient(HypergradientSpec.of(RIDGE, GD, 5).at("lamda", 1.0))).getMessage();
        assertTrue(name.startsWith("Unknown hyperparameters [lamda]"), name);
        String byId = assertThrows(IllegalStateException.class,
                () -> HyperparameterValues.compute(rt.ops(), HypergradientSpec.of(RIDGE, GD, 5))).getMessage();
        assertTrue(byId.contains("BilevelRuntime.hypergradient(spec)"), byId);
    }
}
