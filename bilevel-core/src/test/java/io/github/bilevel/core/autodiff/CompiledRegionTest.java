package io.github.bilevel.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.NonFiniteValueException;
import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.Capability;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.GraphPolicy;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.graph.GraphPasses;
import io.github.bilevel.core.autodiff.graph.Interpreter;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.check.WeightedRegressionProblem;
import io.github.bilevel.core.hypergradient.ForwardMode;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.ForwardingProblem;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import io.github.bilevel.support.solver.Momentum;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Compiled regions on the reference backend with a "compiler" that interprets the graph: a replayed run must give
 * bit-identical results to an eager one (the same kernels in the same order), and a run that departs from the record
 * must still be right.
 */
class CompiledRegionTest {
    private final AtomicInteger compiles = new AtomicInteger();
    private final AtomicInteger runs = new AtomicInteger();

    /** The reference backend, offering a GraphCompiler that evaluates the graph kernel by kernel. */
    private Backend compilingReference() {
        return CompilingBackends.interpretingReference(compiles, runs);
    }

    /** {@code ref} with {@code compiler} as its GraphCompiler capability. */
    private static Backend offering(ReferenceBackend ref, GraphCompiler compiler) {
        return CompilingBackends.offering(ref, compiler);
    }

    @Test
    void replayedHypergradientsAreBitIdenticalToEagerOnes() {
        RidgeRegressionProblem ridge = new RidgeRegressionProblem(25, 4, 1.5, 3L);
        for (var strategy : List.of(new ReverseMode(), new ForwardMode())) {
            for (var solver : List.of(new GradientDescent(0.01), new Momentum(0.01, 0.5, false))) {
                Ops eager = new Engine(new ReferenceBackend(), DType.FLOAT64);
                Ops compiled = new Engine(compilingReference(), DType.FLOAT64);
                for (double lambda : new double[] {1.5, 0.7, 2.9, 0.7}) {
                    Map<String, double[]> values = Map.of(RidgeRegressionProblem.LAMBDA, new double[] {lambda});
                    Hypergradient a = HyperparameterValues.compute(eager, strategy, ridge, solver, values, 12, Map.of());
                    Hypergradient b = HyperparameterValues.compute(compiled, strategy, ridge, solver, values, 12,
                            Map.of());
                    assertEquals(a.outerObjective(), b.outerObjective(), 0.0, strategy.id() + " " + lambda);
                    for (String name : a.gradients().keySet()) {
                        assertArrayEquals(a.get(name), b.get(name), 0.0, strategy.id() + " " + name + " " + lambda);
                    }
                }
                assertEquals(0, compiled.memory().liveBytes(), "placeholders and fed arrays freed");
            }
        }
        assertTrue(compiles.get() > 0 && runs.get() > compiles.get(), "segments compiled once, run on later calls: "
                + compiles + " compiles, " + runs + " runs");
    }

    /** Per-example weights of a 12 × 3 weighted regression, with a stable inner step: W5's problem, smaller. */
    private static final WeightedRegressionProblem SMALL_WEIGHTED = new WeightedRegressionProblem(12, 3, 1.0, 7L);
    private static final GradientDescent SMALL_WEIGHTED_GD = new GradientDescent(0.5
            / SMALL_WEIGHTED.lipschitzConstant(SMALL_WEIGHTED.hyperparameters().get(0).initial()));

    @Test
    void repeatedStepsCompileOnceWhateverTheHorizonAndGiveTheEagerHypergradient() {
        WeightedRegressionProblem p = SMALL_WEIGHTED;
        var gd = SMALL_WEIGHTED_GD;
        Map<Integer, Integer> compilesAt = new java.util.TreeMap<>();
        for (var strategy : List.of(new ReverseMode(), new ForwardMode())) {
            for (int steps : new int[] {10, 40, 160}) {
                Ops eager = new Engine(new ReferenceBackend(), DType.FLOAT64);
                Ops compiled = new Engine(compilingReference(), DType.FLOAT64);
                compiles.set(0);
                Hypergradient expected = HyperparameterValues.compute(eager, strategy, p, gd, Map.of(), steps,
                        Map.of());
                for (int k = 0; k < 3; k++) {
                    Hypergradient got = HyperparameterValues.compute(compiled, strategy, p, gd, Map.of(), steps,
                            Map.of());
                    double[] e = expected.get(WeightedRegressionProblem.GAMMA);
                    double[] g = got.get(WeightedRegressionProblem.GAMMA);
                    for (int i = 0; i < e.length; i++) {
                        assertEquals(e[i], g[i], 1e-12 * Math.abs(e[i]), strategy.id() + " T=" + steps + " [" + i + "]");
                    }
                }
                compilesAt.put(steps, compiles.get());
                assertEquals(0, compiled.memory().liveBytes(), "placeholders and fed arrays freed");
            }
            assertEquals(compilesAt.get(10), compilesAt.get(160), strategy.id() + ": graphs compiled per horizon "
                    + compilesAt + " must not grow with T");
            assertTrue(compilesAt.get(10) < 10, strategy.id() + ": a handful of distinct graphs, got " + compilesAt);
        }
    }

    @Test
    void aLoopThatReadsNothingUntilItEndsCompilesOneStepPerBoundary() {
        io.github.bilevel.api.tensor.Shape s3 = io.github.bilevel.api.tensor.Shape.of(3, 3);
        double[] av = {0.5, -0.2, 0.1, 0.3, 0.4, -0.1, 0.0, 0.2, 0.6};
        java.util.function.BiFunction<Ops, Integer, double[]> loop = (o, steps) -> {
            try (Scope s = o.scope()) {
                Tensor a = o.constant(av, s3);
                Tensor w = o.ones(s3, DType.FLOAT64);
                for (int t = 0; t < steps; t++) {
                    Tensor loss = o.sum(o.square(o.sub(o.matmul(a, w), o.ones(s3, DType.FLOAT64))));
                    Tensor next = o.sub(w, o.mul(o.grad(loss, List.of(w), false).get(0), 0.05));
                    w.close();
                    w = next;
                    o.stepBoundary();
                }
                return w.toDoubleArray();
            }
        };
        Map<Integer, Integer> compilesAt = new java.util.TreeMap<>();
        for (int steps : new int[] {5, 50}) {
            Ops eager = new Engine(new ReferenceBackend(), DType.FLOAT64);
            Ops compiled = new Engine(compilingReference(), DType.FLOAT64);
            eager.stepBoundary(); // outside a region: nothing happens
            compiles.set(0);
            runs.set(0);
            double[] expected = loop.apply(eager, steps);
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(expected, compiled.compiled("loop", () -> loop.apply(compiled, steps)), 0.0);
            }
            compilesAt.put(steps, compiles.get());
            assertTrue(runs.get() >= 2 * steps, "each replayed step runs a compiled graph: " + runs + " runs");
        }
        assertEquals(compilesAt.get(5), compilesAt.get(50), "graphs compiled per T " + compilesAt);
        assertTrue(compilesAt.get(50) <= 3, "the first step, the repeated step, the last: " + compilesAt);
    }

    @Test
    void aReplayFreesEachComputedValueOnceNothingLaterNeedsIt() {
        WeightedRegressionProblem p = SMALL_WEIGHTED;
        var gd = SMALL_WEIGHTED_GD;
        Map<Integer, Integer> peakAt = new java.util.TreeMap<>();
        for (int steps : new int[] {20, 80}) {
            ReferenceBackend ref = new ReferenceBackend();
            AtomicInteger live = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            AtomicInteger segmentRuns = new AtomicInteger();
            GraphCompiler tracking = graph -> new GraphCompiler.Compiled() {
                @Override
                public List<NdArray> run(List<NdArray> inputs) {
                    segmentRuns.incrementAndGet();
                    List<NdArray> real = inputs.stream().map(a -> a instanceof Tracked t ? t.inner : a).toList();
                    return graph.evaluate(ref, real).stream().<NdArray>map(a -> {
                        peak.accumulateAndGet(live.incrementAndGet(), Math::max);
                        return new Tracked(a, live);
                    }).toList();
                }

                @Override
                public void close() {
                }
            };
            Backend backend = offering(ref, tracking);
            // Unwrap tracked arrays wherever the reference backend sees them (reads and kernels of the eager parts).
            InvocationHandler unwrap = (proxy, m, args) -> {
                if (args != null) {
                    for (int i = 0; i < args.length; i++) {
                        if (args[i] instanceof Tracked t) {
                            args[i] = t.inner;
                        }
                    }
                }
                try {
                    return m.invoke(backend, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            Backend b = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                    unwrap);
            Ops ops = new Engine(b, DType.FLOAT64);
            ReverseMode reverse = new ReverseMode(); // one instance: one region key
            for (int k = 0; k < 2; k++) {
                HyperparameterValues.compute(ops, reverse, p, gd, Map.of(), steps, Map.of());
            }
            assertTrue(segmentRuns.get() > steps, "the second run is replayed: " + segmentRuns + " segment runs");
            assertEquals(0, live.get(), "every array a compiled segment made is closed by the end of the run");
            peakAt.put(steps, peak.get());
        }
        // Reverse mode stores one state (one array here) per step; every other value dies with its step.
        double perStep = (peakAt.get(80) - peakAt.get(20)) / 60.0;
        assertTrue(perStep <= 1.05, "arrays held per extra inner step: " + perStep + " " + peakAt);
    }

    /** An array that counts itself open until closed. */
    private static final class Tracked implements NdArray {
        final NdArray inner;
        private final AtomicInteger live;
        private boolean closed;

        Tracked(NdArray inner, AtomicInteger live) {
            this.inner = inner;
            this.live = live;
        }

        @Override
        public io.github.bilevel.api.tensor.Shape shape() {
            return inner.shape();
        }

        @Override
        public DType dtype() {
            return inner.dtype();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                live.decrementAndGet();
                inner.close();
            }
        }
    }

    /** Ridge whose inner objective adds a term on some calls only: its kernel sequence changes between runs. */
    private static final class ShiftingProblem extends ForwardingProblem {
        boolean extraTerm;

        ShiftingProblem() {
            super(new RidgeRegressionProblem(20, 3, 1.0, 5L));
        }

        @Override
        public String id() {
            return "shifting";
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
            Tensor l = super.innerObjective(ops, params, hyper, step);
            return extraTerm ? ops.add(l, ops.mul(ops.sum(ops.square(params.get(0))), 0.01)) : l;
        }
    }

    @Test
    void aRunThatDepartsFromTheRecordIsStillRight() {
        ShiftingProblem p = new ShiftingProblem();
        Ops eager = new Engine(new ReferenceBackend(), DType.FLOAT64);
        Ops compiled = new Engine(compilingReference(), DType.FLOAT64);
        var gd = new GradientDescent(0.01);
        for (boolean extra : new boolean[] {false, false, true, true, false, true}) {
            p.extraTerm = extra;
            Map<String, double[]> values = Map.of(RidgeRegressionProblem.LAMBDA, new double[] {1.2});
            Hypergradient a = HyperparameterValues.compute(eager, new ReverseMode(), p, gd, values, 8, Map.of());
            Hypergradient b = HyperparameterValues.compute(compiled, new ReverseMode(), p, gd, values, 8, Map.of());
            assertArrayEquals(a.get("lambda"), b.get("lambda"), 0.0, "extra term " + extra);
        }
        assertEquals(0, compiled.memory().liveBytes());
    }

    @Test
    void aNonFiniteValueInAReplayedRunIsStillReportedWithItsStep() {
        Ops compiled = new Engine(compilingReference(), DType.FLOAT64);
        RidgeRegressionProblem ridge = new RidgeRegressionProblem(20, 3, 1.0, 5L);
        var gd = new GradientDescent(0.01);
        HyperparameterValues.compute(compiled, new ReverseMode(), ridge, gd, Map.of("lambda", new double[] {1}), 6,
                Map.of());
        // λ = NaN: the values are fed, so the replay is the same kernel sequence and must see the NaN.
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> HyperparameterValues.compute(
                compiled, new ReverseMode(), ridge, gd, Map.of("lambda", new double[] {Double.NaN}), 6, Map.of()));
        assertEquals(0, e.innerStep(), e.getMessage());
        assertEquals(0, compiled.memory().liveBytes(), "a failed replay frees what it fed and computed");
    }

    @Test
    void aStepAndItsVjpWithCapturedDataAreReplayedNotRecordedAgain() {
        Ops compiled = new Engine(compilingReference(), DType.FLOAT64);
        Ops eager = new Engine(new ReferenceBackend(), DType.FLOAT64);
        io.github.bilevel.api.tensor.Shape s4 = io.github.bilevel.api.tensor.Shape.of(4, 3);
        double[] xv = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        Tensor xc = compiled.cached("x", () -> compiled.constant(xv, s4));
        Tensor xe = eager.cached("x", () -> eager.constant(xv, s4));
        int[] y = {0, 1, 2, 1};
        java.util.function.BiFunction<Ops, Tensor, Double> body = (o, x) -> {
            try (Scope s = o.scope()) {
                Tensor w = o.constant(new double[] {0.1, -0.2, 0.3, 0.0, 0.5, -0.1, 0.2, 0.2, 0.1},
                        io.github.bilevel.api.tensor.Shape.of(3, 3));
                Tensor loss = o.mean(o.softmaxCrossEntropy(o.matmul(x, w), y));
                Tensor g = o.grad(loss, List.of(w), true).get(0);
                Tensor next = o.sub(w, o.mul(g, 0.1));
                Tensor vjp = o.vjp(List.of(next), List.of(w), List.of(o.ones(next.shape(), next.dtype())), false).get(0);
                return o.sum(next).item() + o.sum(vjp).item();
            }
        };
        double expected = body.apply(eager, xe);
        compiles.set(0);
        runs.set(0);
        for (int k = 0; k < 5; k++) {
            assertEquals(expected, compiled.compiled("step", () -> body.apply(compiled, xc)), 0.0);
        }
        assertEquals(2, compiles.get(), "two segments (one per read-back), compiled once");
        assertEquals(8, runs.get(), "replayed on the four later calls, two segments each");
    }

    /**
     * The reference backend with an interpreting compiler (like ND4J's) whose results differ from eager ones in the
     * last bits, deterministically.
     */
    private static Backend roundingDifferently() {
        ReferenceBackend ref = new ReferenceBackend();
        GraphCompiler compiler = new GraphCompiler() {
            @Override
            public boolean interprets() {
                return true;
            }

            @Override
            public Compiled compile(KernelGraph graph) {
                return new Compiled() {
                    @Override
                    public List<NdArray> run(List<NdArray> inputs) {
                        return graph.evaluate(ref, inputs).stream().map(o -> ref.fromDoubles(
                                java.util.Arrays.stream(ref.toDoubles(o)).map(v -> v * (1 + 1e-13)).toArray(),
                                o.shape(), o.dtype())).toList();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        return offering(ref, compiler);
    }

    @Test
    void anInterpretedRegionsResultsDoNotDependOnWhichCallRecordedIt() {
        // An outer loop resumed at iteration 3 records its region there; an uninterrupted one recorded at iteration 0
        // and replays at 3. Both must give iteration 3 the same bits, even where replayed and eager runs differ.
        RidgeRegressionProblem ridge = new RidgeRegressionProblem(25, 4, 1.5, 3L);
        GradientDescent gd = new GradientDescent(0.01);
        double[] lambdas = {1.5, 0.7, 2.9, 1.1, 0.4};
        Ops uninterrupted = new Engine(roundingDifferently(), DType.FLOAT64);
        Ops resumed = new Engine(roundingDifferently(), DType.FLOAT64);
        Ops eager = new Engine(new ReferenceBackend(), DType.FLOAT64);
        ReverseMode reverse = new ReverseMode(); // one strategy instance: one region per engine, as in an outer loop
        boolean differsFromEager = false;
        for (int k = 0; k < lambdas.length; k++) {
            Map<String, double[]> values = Map.of(RidgeRegressionProblem.LAMBDA, new double[] {lambdas[k]},
                    GradientDescent.LR, new double[] {0.01});
            Hypergradient a = HyperparameterValues.compute(uninterrupted, reverse, ridge, gd, values, 12,
                    Map.of());
            Hypergradient e = HyperparameterValues.compute(eager, reverse, ridge, gd, values, 12, Map.of());
            differsFromEager |= a.outerObjective() != e.outerObjective();
            if (k >= 3) {
                Hypergradient b = HyperparameterValues.compute(resumed, reverse, ridge, gd, values, 12,
                        Map.of());
                assertEquals(a.outerObjective(), b.outerObjective(), 0.0, "iteration " + k);
                assertArrayEquals(a.get(RidgeRegressionProblem.LAMBDA), b.get(RidgeRegressionProblem.LAMBDA), 0.0,
                        "iteration " + k);
            }
        }
        assertTrue(differsFromEager, "the compiler's results differ from eager ones, so the test can tell");
    }

    @Test
    void tensorsThatEscapeARegionKeepTheirValues() {
        Ops compiled = new Engine(compilingReference(), DType.FLOAT64);
        Tensor kept = null;
        for (int i = 0; i < 3; i++) {
            final int k = i;
            Tensor t = compiled.compiled("escape", () -> {
                Tensor x = compiled.constant(new double[] {1, 2, 3}, io.github.bilevel.api.tensor.Shape.of(3));
                return compiled.mul(x, x.add(k));
            });
            assertArrayEquals(new double[] {1 + k, 2 * (2 + k), 3 * (3 + k)}, t.toDoubleArray(), 0.0);
            kept = t;
        }
        kept.close();
        try (Scope s = compiled.scope()) {
            assertEquals(3, compiled.compiled("sum", () -> compiled.sum(compiled.constant(new double[] {1, 2},
                    io.github.bilevel.api.tensor.Shape.of(2))).item()), 0.0);
        }
    }

    @Test
    void pruningDropsOnlyTheCallsNoOutputNeeds() {
        io.github.bilevel.api.tensor.Shape s2 = io.github.bilevel.api.tensor.Shape.of(2, 2);
        KernelGraph.Signature sig = new KernelGraph.Signature(s2, DType.FLOAT64);
        KernelGraph g = new KernelGraph(List.of(sig), List.of(
                new KernelGraph.Call(KernelAttributes.Matmul.of(false, false), new int[] {0, 0}, sig), // 1 dead
                new KernelGraph.Call(new KernelAttributes.Unary(io.github.bilevel.api.spi.UnaryKernel.EXP),
                        new int[] {0}, sig),                                                                   // 2
                new KernelGraph.Call(new KernelAttributes.Binary(io.github.bilevel.api.spi.BinaryKernel.ADD),
                        new int[] {1, 2}, sig),                                                                // 3 dead
                new KernelGraph.Call(new KernelAttributes.Binary(io.github.bilevel.api.spi.BinaryKernel.MUL),
                        new int[] {2, 0}, sig)),                                                               // 4
                new int[] {4, 2});
        KernelGraph p = GraphPasses.pruned(g);
        assertEquals(List.of(KernelGraph.Kernel.UNARY, KernelGraph.Kernel.BINARY),
                p.calls().stream().map(KernelGraph.Call::kernel).toList());
        assertArrayEquals(new int[] {2, 1}, p.outputs());
        assertArrayEquals(new int[] {1, 0}, p.calls().get(1).args());
        ReferenceBackend ref = new ReferenceBackend();
        NdArray x = ref.fromDoubles(new double[] {0.5, -1, 2, 0.25}, s2, DType.FLOAT64);
        List<NdArray> full = g.evaluate(ref, List.of(x));
        List<NdArray> live = p.evaluate(ref, List.of(x));
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(ref.toDoubles(full.get(i)), ref.toDoubles(live.get(i)), 0.0);
        }
        assertTrue(GraphPasses.pruned(g) != g && GraphPasses.pruned(p) == p, "a graph without dead calls is its own pruned graph");
        // The interpreting compiler hands out arrays of the caller's own, even for an input or a repeated output.
        KernelGraph echo = new KernelGraph(g.inputs(), g.calls(), new int[] {0, 4, 4});
        List<NdArray> out = Interpreter.exact(ref).compile(echo).run(List.of(x));
        assertEquals(3, out.size());
        assertTrue(out.get(0) != x && out.get(1) != out.get(2), "distinct arrays");
        assertArrayEquals(ref.toDoubles(x), ref.toDoubles(out.get(0)), 0.0);
        assertArrayEquals(ref.toDoubles(full.get(0)), ref.toDoubles(out.get(2)), 0.0);
        assertTrue(Interpreter.exact(ref).interprets());
    }

    @Test
    void anInterpretingReplayRunsOnlyTheKernelsItsReadsNeedAndGivesTheEagerNumbers() {
        AtomicInteger matmuls = new AtomicInteger();
        Backend counting = counting(new ReferenceBackend(), "matmul", matmuls, true);
        Ops ops = new Engine(counting, DType.FLOAT64);
        Ops eager = new Engine(new ReferenceBackend(), DType.FLOAT64);
        io.github.bilevel.api.tensor.Shape s3 = io.github.bilevel.api.tensor.Shape.of(3, 3);
        double[] wv = {0.1, -0.2, 0.3, 0.0, 0.5, -0.1, 0.2, 0.2, 0.1};
        java.util.function.Function<Ops, Double> body = o -> {
            try (Scope s = o.scope()) {
                Tensor w = o.constant(wv, s3);
                Tensor unread = o.matmul(w, w); // computed, never read
                Tensor read = o.sum(o.mul(w, w.exp()));
                return read.item() + (unread.shape().size() > 0 ? 0 : 1);
            }
        };
        double expected = body.apply(eager);
        assertEquals(expected, ops.compiled("dead", () -> body.apply(ops)), 0.0);
        assertEquals(1, matmuls.get(), "the recording run is eager");
        for (int k = 0; k < 3; k++) {
            assertEquals(expected, ops.compiled("dead", () -> body.apply(ops)), 0.0);
        }
        assertEquals(1, matmuls.get(), "replays skip the matmul that nothing reads");
    }

    @Test
    void recomputedStepsAreNotCheckedOrReadAgain() {
        RidgeRegressionProblem ridge = new RidgeRegressionProblem(25, 4, 1.5, 3L);
        Map<String, double[]> values = Map.of(RidgeRegressionProblem.LAMBDA, new double[] {1.5});
        Map<String, Integer> reads = new java.util.LinkedHashMap<>();
        Map<String, double[]> results = new java.util.LinkedHashMap<>();
        for (String store : List.of("graphs", "states")) {
            AtomicInteger count = new AtomicInteger();
            Backend counting = counting(new ReferenceBackend(), "toDoubles", count, false);
            Hypergradient g = HyperparameterValues.compute(new Engine(counting, DType.FLOAT64), new ReverseMode(),
                    ridge, new GradientDescent(0.01), values, 12, Map.of("store", store, "compile", "off"));
            reads.put(store, count.get());
            results.put(store, g.get(RidgeRegressionProblem.LAMBDA));
        }
        // Both read the checks of each of the 12 forward steps once (one number a step); recomputing a stored state's
        // step in the backward pass reads nothing, so a replay can prune what only the checks needed.
        assertEquals(reads.get("graphs"), reads.get("states"), reads.toString());
        assertTrue(reads.get("states") >= 2 * 12, reads.toString());
        assertArrayEquals(results.get("graphs"), results.get("states"), 1e-12);
    }

    /**
     * {@code real} counting the calls of one method; with {@code interpreting}, also offering the interpreting
     * compiler over itself (so that replays are counted too).
     */
    private static Backend counting(Backend real, String method, AtomicInteger count, boolean interpreting) {
        Backend[] self = new Backend[1];
        InvocationHandler h = (proxy, m, args) -> {
            if (interpreting && m.getName().equals("capability") && args[0] == GraphCompiler.class) {
                return Optional.of(GraphCompiler.interpreting(GraphPolicy.interpreting()));
            }
            if (m.getName().equals(method)) {
                count.incrementAndGet();
            }
            try {
                return m.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        };
        self[0] = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
        return self[0];
    }
}
