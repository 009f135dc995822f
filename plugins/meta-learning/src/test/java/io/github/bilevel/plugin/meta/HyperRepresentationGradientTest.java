package io.github.bilevel.plugin.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.GradientCheck;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.data.Episode;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.outer.OuterLoop;
import io.github.bilevel.support.outer.OuterOptimizers;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hyper-representation's hypergradient in float64 on a tiny network: finite differences and meta-batch sums. */
class HyperRepresentationGradientTest {
    private static final int SIDE = 6;

    /** A 3-way 2-shot episode with 2 queries per class of random 6×6 images. */
    static Episode episode(long seed) {
        Random r = new Random(seed);
        int ways = 3;
        int shots = 2;
        int queries = 2;
        float[] support = new float[ways * shots * SIDE * SIDE];
        float[] query = new float[ways * queries * SIDE * SIDE];
        for (int i = 0; i < support.length; i++) {
            support[i] = r.nextFloat();
        }
        for (int i = 0; i < query.length; i++) {
            query[i] = r.nextFloat();
        }
        int[] ls = new int[ways * shots];
        int[] lq = new int[ways * queries];
        for (int i = 0; i < ls.length; i++) {
            ls[i] = i / shots;
        }
        for (int i = 0; i < lq.length; i++) {
            lq[i] = i / queries;
        }
        return new Episode(support, ls, query, lq, ways, shots, queries, 1, SIDE);
    }

    private final Ops ops = new Engine(new ReferenceBackend(), DType.FLOAT64);
    private final ConvRepresentation tiny = new ConvRepresentation(1, SIDE, 2, 2, 5);
    private final InnerSolver gd = new GradientDescent(0.3);

    @Test
    void perTaskHypergradientMatchesCentralDifferencesOfFT() {
        EpisodeProblem p = new EpisodeProblem(tiny, episode(1));
        Map<String, double[]> values = HyperparameterValues.initial(p, gd);
        List<GradientCheck.Component> components = GradientCheck.check(ops, new ReverseMode(), p, gd, values, 4,
                Map.of(), 1e-4);
        assertEquals(2 * 9 + 2 * 2 * 9 + 4 * 2 + 1, components.size(), "every filter, scale, shift and gd.lr");
        for (GradientCheck.Component c : components) {
            assertTrue(c.relativeError(1e-7) < 1e-6, c.toString());
        }
        assertEquals(0, ops.memory().liveBytes(), "tensors left behind");
    }

    @Test
    void withShiftsOnlyAndPerSetStatisticsTheHypergradientMatchesCentralDifferences() {
        ConvRepresentation shiftsOnly = new ConvRepresentation(1, SIDE, 2, 2, 5, false);
        EpisodeProblem p = new EpisodeProblem(shiftsOnly, episode(1), true);
        Map<String, double[]> values = HyperparameterValues.initial(p, gd);
        List<GradientCheck.Component> components = GradientCheck.check(ops, new ReverseMode(), p, gd, values, 4,
                Map.of(), 1e-4);
        assertEquals(2 * 9 + 2 * 2 * 9 + 2 * 2 + 1, components.size(), "every filter and shift, and gd.lr");
        for (GradientCheck.Component c : components) {
            assertTrue(c.relativeError(1e-7) < 1e-6, c.toString());
        }
    }

    @Test
    void perSetStatisticsMakeTheSupportFeaturesIndependentOfTheQueries() {
        Episode a = episode(1);
        Episode b = episode(2);
        // a's support with b's queries
        Episode mixed = new Episode(a.support(), a.supportLabels(), b.query(), b.queryLabels(), a.ways(), a.shots(),
                a.queries(), 1, SIDE);
        for (boolean perSet : new boolean[] {true, false}) {
            double[] fa = supportFeatures(new EpisodeProblem(tiny, a, perSet));
            double[] fm = supportFeatures(new EpisodeProblem(tiny, mixed, perSet));
            assertEquals(perSet, java.util.Arrays.equals(fa, fm), "per-set statistics: " + perSet);
        }
    }

    private double[] supportFeatures(EpisodeProblem p) {
        try (io.github.bilevel.api.tensor.Scope s = ops.scope()) {
            return p.derived(ops, HyperparameterValues.tensors(ops, p, gd, HyperparameterValues.initial(p, gd)))
                    .get(EpisodeProblem.SUPPORT).toDoubleArray();
        }
    }

    @Test
    void metaBatchHypergradientIsTheSumOfThePerTaskHypergradients() {
        List<Problem> batch = new ArrayList<>();
        for (long s = 10; s < 13; s++) {
            batch.add(new EpisodeProblem(tiny, episode(s)));
        }
        List<OuterLoop.Iteration> seen = new ArrayList<>();
        OuterLoop.builder().ops(ops).tasks(k -> batch).solver(gd).strategy(new ReverseMode()).innerSteps(4)
                .iterations(1).optimizer(OuterOptimizers.sgd()).listener(seen::add).build().run();
        Map<String, double[]> values = HyperparameterValues.initial(batch.get(0), gd);
        double objective = 0;
        Map<String, double[]> sum = new java.util.LinkedHashMap<>();
        for (Problem p : batch) {
            Hypergradient g = HyperparameterValues.compute(ops, new ReverseMode(), p, gd, values, 4, Map.of());
            objective += g.outerObjective();
            g.gradients().forEach((name, v) -> {
                double[] acc = sum.computeIfAbsent(name, n -> new double[v.length]);
                for (int i = 0; i < v.length; i++) {
                    acc[i] += v[i];
                }
            });
        }
        assertEquals(objective, seen.get(0).objective(), 1e-12 * Math.abs(objective));
        for (Map.Entry<String, double[]> e : sum.entrySet()) {
            double[] got = seen.get(0).hypergradient().get(e.getKey());
            for (int i = 0; i < got.length; i++) {
                assertEquals(e.getValue()[i], got[i], 1e-12 * Math.max(1, Math.abs(e.getValue()[i])), e.getKey());
            }
        }
    }

    @Test
    void representationShapes() {
        ConvRepresentation omniglot = new ConvRepresentation(1, 28, 64, 4, 1);
        assertEquals(2, omniglot.outputSide());
        assertEquals(256, omniglot.features());
        assertEquals(12, omniglot.hyperparameters().size());
        assertEquals(8, new ConvRepresentation(1, 28, 64, 4, 1, false).hyperparameters().size());
    }
}
