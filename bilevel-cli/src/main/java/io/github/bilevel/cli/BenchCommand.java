package io.github.bilevel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.data.omniglot.EpisodeSampler;
import io.github.bilevel.data.omniglot.Omniglot;
import io.github.bilevel.plugin.meta.ConvRepresentation;
import io.github.bilevel.plugin.meta.EpisodeProblem;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.LinearFit;
import io.github.bilevel.support.solver.GradientDescent;
import io.github.bilevel.support.unroll.Dynamics;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code bilevel bench}: named workloads timed the same way every time (warm-up, then repeated runs; median and
 * spread), with peak native memory of the engine and heap in use.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Time named workloads: hypergradient (W1), meta-learning (W2), scaling (W3), overhead (W4), "
                + "horizon (W5).")
final class BenchCommand implements Callable<Integer> {
    static final List<String> WORKLOADS = List.of("hypergradient", "meta-learning", "scaling", "overhead",
            "horizon");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "WORKLOAD", description = "hypergradient, meta-learning, scaling, "
            + "overhead or horizon (default: all).")
    List<String> workloads = new ArrayList<>();

    @Option(names = "--backend", description = "Backend id (default: property, environment, or priority).")
    String backend;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed runs after warm-up (default 5).")
    int repeats;

    @Option(names = "--threads", defaultValue = "1", description = "Compute threads (default 1; 0: all cores).")
    int threads;

    @Option(names = "--intra-op-threads", defaultValue = "-1", description = "Threads each kernel may use (default: "
            + "--threads); tasks of a meta-batch run --threads at a time either way.")
    int intraOpThreads;

    @Option(names = "--horizons", split = ",", defaultValue = "250,500,1000,2000,4000",
            description = "W5's inner horizons T, ascending (default 250,500,1000,2000,4000).")
    int[] horizons;

    @Option(names = "--horizon-strategy", defaultValue = "reverse", description = "W5's hypergradient strategy "
            + "(default reverse; forward differentiates 50 tangents per step).")
    String horizonStrategy;

    @Option(names = "--horizon-compile", defaultValue = "on", description = "W5 in compiled regions (on, the "
            + "default) or eagerly (off).")
    String horizonCompile;

    @Option(names = "--json", description = "Print one JSON object per measurement instead of a table.")
    boolean json;

    /**
     * One measured figure, with the peak native memory the engine accounted during its runs, the heap in use, and the
     * process's peak resident memory so far (0 where the operating system does not tell).
     */
    record Row(String workload, String backend, String variant, String unit, double median, double min, double max,
               long peakNativeBytes, long heapBytes, long peakRssBytes) {
        Row(String workload, String backend, String variant, String unit, double median, double min, double max,
            long peakNativeBytes, long heapBytes) {
            this(workload, backend, variant, unit, median, min, max, peakNativeBytes, heapBytes,
                    ProcessMemory.peakResidentBytes());
        }
    }

    @Override
    public Integer call() throws Exception {
        List<String> chosen = workloads.isEmpty() ? WORKLOADS : workloads;
        for (String w : chosen) {
            if (!WORKLOADS.contains(w)) {
                throw new IllegalArgumentException("Unknown workload '" + w + "'. Workloads: " + WORKLOADS);
            }
        }
        if (!horizonCompile.equals("on") && !horizonCompile.equals("off")) {
            throw new IllegalArgumentException("--horizon-compile must be on or off, got '" + horizonCompile + "'");
        }
        if (horizons.length == 0 || Arrays.stream(horizons).anyMatch(t -> t < 1)) {
            throw new IllegalArgumentException("--horizons must list inner step counts >= 1, got "
                    + Arrays.toString(horizons));
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Row> rows = new ArrayList<>();
        try (BilevelRuntime rt = BilevelRuntime.builder().backend(backend).dtype(DType.FLOAT32).threads(intraOp())
                .build()) {
            if (!json) {
                out.printf("backend %s, float32, %d thread(s), %d timed runs after warm-up; %s%n", rt.backendId(),
                        threads, repeats, System.getProperty("os.arch") + ", "
                                + Runtime.getRuntime().availableProcessors() + " processors");
                out.flush();
            }
            for (String w : chosen) {
                List<Row> measured = switch (w) {
                    case "overhead" -> overhead(rt);
                    case "hypergradient" -> hypergradient(rt);
                    case "meta-learning" -> metaLearning(rt);
                    case "horizon" -> horizon();
                    default -> scaling(rt);
                };
                for (Row r : measured) {
                    print(out, r);
                }
                rows.addAll(measured);
            }
        }
        return 0;
    }

    private int intraOp() {
        return intraOpThreads < 0 ? threads : intraOpThreads;
    }

    private void print(PrintWriter out, Row r) throws Exception {
        if (json) {
            // a map, not the record: on the module path Jackson may not reflect on this package
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", r.workload());
            m.put("backend", r.backend());
            m.put("variant", r.variant());
            m.put("unit", r.unit());
            m.put("median", r.median());
            m.put("min", r.min());
            m.put("max", r.max());
            m.put("peak_native_bytes", r.peakNativeBytes());
            m.put("heap_bytes", r.heapBytes());
            m.put("peak_rss_bytes", r.peakRssBytes());
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            if (r.unit().equals("fit")) {
                out.printf("%-14s %s%n", r.workload(), r.variant());
            } else if (r.unit().equals("x")) {
                out.printf("%-14s %-42s %12.2f %-3s  (min %.2f, max %.2f)%n", r.workload(), r.variant(), r.median(),
                        r.unit(), r.min(), r.max());
            } else {
                out.printf("%-14s %-42s %12.1f %-3s  (min %.1f, max %.1f)  native peak %6.1f MB  heap %6.1f MB  "
                        + "RSS peak %6.0f MB%n", r.workload(), r.variant(), r.median(), r.unit(), r.min(), r.max(),
                        r.peakNativeBytes() / 1e6, r.heapBytes() / 1e6, r.peakRssBytes() / 1e6);
            }
        }
        out.flush();
    }

    /**
     * Runs {@code body} twice to warm up (the first run of a region records it, the second is the first run of its
     * compiled form, which TensorFlow optimizes then), then {@code repeats} times; each run returns its own measure.
     */
    private Row measure(BilevelRuntime rt, String workload, String variant, String unit, LongSupplier bodyNanos,
                        double perUnit) {
        return interleaved(rt, workload, unit, perUnit, Map.of(variant, bodyNanos), new double[1][]).get(0);
    }

    /**
     * {@link #measure} for several variants at once, in rounds: each round runs every variant once, in order, so that
     * the machine's slow spells fall on all of them. Each run's measure divided by {@code perUnit} goes to
     * {@code times[variant]}, in round order; peak native memory is the largest over a variant's own runs.
     */
    private List<Row> interleaved(BilevelRuntime rt, String workload, String unit, double perUnit,
                                  Map<String, LongSupplier> variants, double[][] times) {
        List<LongSupplier> bodies = List.copyOf(variants.values());
        for (LongSupplier b : bodies) {
            b.getAsLong();
            b.getAsLong();
        }
        Ops ops = rt.ops();
        long[] peak = new long[bodies.size()];
        for (int v = 0; v < bodies.size(); v++) {
            times[v] = new double[repeats];
        }
        for (int r = 0; r < repeats; r++) {
            for (int v = 0; v < bodies.size(); v++) {
                ops.resetPeak();
                long base = ops.memory().liveBytes();
                times[v][r] = bodies.get(v).getAsLong() / perUnit;
                peak[v] = Math.max(peak[v], ops.memory().peakBytes() - base);
            }
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        List<Row> rows = new ArrayList<>();
        List<String> names = List.copyOf(variants.keySet());
        for (int v = 0; v < bodies.size(); v++) {
            double[] t = times[v].clone();
            Arrays.sort(t);
            rows.add(new Row(workload, rt.backendId(), names.get(v), unit, t[t.length / 2], t[0], t[t.length - 1],
                    peak[v], heap));
        }
        return rows;
    }

    /**
     * How the backend runs a region: "compiled" (one native call per segment), "replayed" (kernel by kernel with the
     * unread ones left out, ADR 0010), or null when it runs regions eagerly.
     */
    private static String compiledMode(BilevelRuntime rt) {
        return rt.backend().capability(io.github.bilevel.api.spi.GraphCompiler.class)
                .map(c -> c.interprets() ? "replayed" : "compiled").orElse(null);
    }

    // ---- W4: the cost of one small inner step and its vector-Jacobian product -----------------------------------

    private List<Row> overhead(BilevelRuntime rt) {
        List<Row> rows = new ArrayList<>();
        // About a second per timed run: the replayed 10x10 step is short enough that the JIT needs many of them.
        rows.addAll(stepAndVjp(rt, 10, 10, 2000, 20_000));
        rows.addAll(stepAndVjp(rt, 5000, 784, 20, 50));
        return rows;
    }

    /** One softmax-regression step on n examples × f features (10 classes) and its VJP, eager and compiled. */
    private List<Row> stepAndVjp(BilevelRuntime rt, int n, int f, int eagerSteps, int compiledSteps) {
        Ops ops = rt.ops();
        Random rng = new Random(4);
        Tensor x = ops.cached(List.of("bench-overhead-x", n, f), () -> ops.constant(gaussian(rng, n * f),
                Shape.of(n, f)));
        int[] y = new int[n];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(10);
        }
        double[] w0 = gaussian(rng, f * 10);
        double[] v = gaussian(rng, f * 10);
        List<Row> rows = new ArrayList<>();
        String compiledMode = compiledMode(rt);
        for (boolean compiled : new boolean[] {false, true}) {
            if (compiled && compiledMode == null) {
                continue;
            }
            String mode = compiled ? compiledMode : "eager";
            int steps = mode.equals("compiled") ? compiledSteps : eagerSteps;
            LongSupplier run = () -> {
                long start = System.nanoTime();
                for (int k = 0; k < steps; k++) {
                    java.util.function.Supplier<double[]> body = () -> stepAndVjp(ops, x, y, w0, v, f);
                    double[] r = compiled ? ops.compiled(List.of("bench-overhead", n, f), body) : body.get();
                    if (!Double.isFinite(r[0])) {
                        throw new IllegalStateException("non-finite result");
                    }
                }
                return System.nanoTime() - start;
            };
            rows.add(measure(rt, "W4 overhead", mode + ": " + n + "x" + f
                    + " softmax step + VJP", "us", run, steps * 1e3));
        }
        return rows;
    }

    /** One gradient step of softmax regression and the VJP of the step with v; returns a value that uses both. */
    private static double[] stepAndVjp(Ops ops, Tensor x, int[] y, double[] w0, double[] v, int f) {
        try (Scope s = ops.scope()) {
            Tensor w = ops.constant(w0, Shape.of(f, 10));
            Tensor loss = ops.mean(ops.softmaxCrossEntropy(ops.matmul(x, w), y));
            Tensor g = ops.grad(loss, List.of(w), true).get(0);
            Tensor next = ops.sub(w, ops.mul(g, 0.1));
            Tensor vjp = ops.vjp(List.of(next), List.of(w), List.of(ops.constant(v, Shape.of(f, 10))), false).get(0);
            return new double[] {ops.add(ops.sum(next), ops.sum(vjp)).item()}; // one read-back
        }
    }

    // ---- W2: one outer iteration of Omniglot 5-way 1-shot hyper-representation learning ----------------------------

    private List<Row> metaLearning(BilevelRuntime rt) throws java.io.IOException {
        Ops ops = rt.ops();
        Omniglot data = Omniglot.embedded();
        EpisodeSampler sampler = new EpisodeSampler(data, data.split(0).train(), true, 5, 1, 15);
        ConvRepresentation rep = new ConvRepresentation(1, Omniglot.SIDE, 64, 4, 17);
        InnerSolver gd = new GradientDescent(0.4);
        Map<String, double[]> values = HyperparameterValues.initial(new EpisodeProblem(rep,
                sampler.episode(0)), gd);
        long[] batch = {0};
        // The meta-batch's tasks go to the same executor as in `bilevel run`: --threads tasks at a time.
        try (io.github.bilevel.core.outer.LocalTaskExecutor executor =
                     new io.github.bilevel.core.outer.LocalTaskExecutor(Math.max(1, threads))) {
            Row w2 = measure(rt, "W2 meta-learning", "Omniglot 5-way 1-shot, meta-batch 4, T=5", "ms", () -> {
                List<Callable<io.github.bilevel.api.Hypergradient>> tasks = new ArrayList<>();
                for (io.github.bilevel.data.Episode e : sampler.metaBatch(batch[0]++, 4)) {
                    Problem p = new EpisodeProblem(rep, e);
                    tasks.add(() -> HyperparameterValues.compute(ops, rt.strategy("reverse"), p, gd, values, 5,
                            Map.of()));
                }
                long start = System.nanoTime();
                executor.invokeAll(tasks);
                return System.nanoTime() - start;
            }, 1e6);
            List<Row> rows = new ArrayList<>(List.of(w2));
            rows.add(new Row("W2 meta-learning", rt.backendId(), String.format("achieved %.1f GFLOP/s (%.2f GFLOP of "
                    + "convolutions per outer iteration)", W2_GFLOP / (w2.median() / 1e3), W2_GFLOP), "fit", 0, 0, 0,
                    0, 0));
            rows.addAll(denseProbes(rt));
            return rows;
        }
    }

    /**
     * W2's arithmetic: per episode (5 + 75 images of 28 × 28) four 3×3 convolutions with 64 filters and stride 2
     * (28→14→7→4→2), forward (0.425 GFLOP), their input gradients but the first layer's (0.407) and their filter
     * gradients (0.425); the inner steps work on the features only. Four episodes.
     */
    private static final double W2_GFLOP = 4 * (0.4252 + 0.4071 + 0.4252);

    /**
     * What the backend's dense kernels reach on this machine, for comparison with W2: a 512 × 512 product and W2's
     * largest convolution (80 × 64 × 14 × 14 by 64 × 64 × 3 × 3, stride 2), each run 20 times on shifted operands in
     * one compiled region (eagerly where the backend does not compile), summed and read back once.
     */
    private List<Row> denseProbes(BilevelRuntime rt) {
        Ops ops = rt.ops();
        Random rng = new Random(3);
        Tensor a = ops.cached(List.of("probe-a"), () -> ops.constant(gaussian(rng, 512 * 512), Shape.of(512, 512)));
        Tensor x = ops.cached(List.of("probe-x"), () -> ops.constant(gaussian(rng, 80 * 64 * 14 * 14),
                Shape.of(80, 64, 14, 14)));
        Tensor k = ops.cached(List.of("probe-k"), () -> ops.constant(gaussian(rng, 64 * 64 * 9), Shape.of(64, 64, 3,
                3)));
        double matmulGflop = 2.0 * 512 * 512 * 512 / 1e9;
        double convGflop = 2.0 * 80 * 64 * 7 * 7 * 64 * 9 / 1e9;
        List<Row> rows = new ArrayList<>();
        // a + r and k + r, not a and k: a compiler would compute twenty identical products once
        rows.addAll(probe(rt, "512x512 product", matmulGflop, r -> ops.matmul(a, ops.add(a, r))));
        rows.addAll(probe(rt, "W2's largest convolution", convGflop, r -> ops.conv2d(x, ops.add(k, r), 2, 2, 1, 1)));
        return rows;
    }

    /** Times the sum of {@code term(0..19)} in one compiled region, read back once; then its rate in GFLOP/s. */
    private List<Row> probe(BilevelRuntime rt, String name, double gflopPerTerm,
                            java.util.function.IntFunction<Tensor> term) {
        Ops ops = rt.ops();
        int reps = 20;
        Row timed = measure(rt, "W2 probe", name + ", " + reps + " per region", "ms", () -> {
            long start = System.nanoTime();
            ops.compiled(List.of("probe", name), () -> {
                try (Scope s = ops.scope()) {
                    Tensor acc = term.apply(0);
                    for (int r = 1; r < reps; r++) {
                        acc = ops.add(acc, term.apply(r));
                    }
                    return ops.sum(acc).item();
                }
            });
            return System.nanoTime() - start;
        }, 1e6);
        return List.of(timed, new Row("W2 probe", rt.backendId(), String.format("%s: %.1f GFLOP/s", name,
                reps * gflopPerTerm / (timed.median() / 1e3)), "fit", 0, 0, 0, 0, 0));
    }

    // ---- W1 and W3: reverse-mode hypergradient of per-example weights, softmax regression 5,000 × 784 ----------

    /** Weighted softmax regression on fixed random data: the shape of the hyper-cleaning problem. */
    private static final class WeightedSoftmax implements Problem {
        private final double[] x;
        private final int[] labels;
        private final double[] xv;
        private final int[] yv;

        WeightedSoftmax(int n, int features, long seed) {
            Random rng = new Random(seed);
            x = uniform(rng, n * features);
            xv = uniform(rng, n * features);
            labels = new int[n];
            yv = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = rng.nextInt(10);
                yv[i] = rng.nextInt(10);
            }
        }

        private Tensor data(Ops ops, String name, double[] values) {
            return ops.cached(List.of(this, name), () -> ops.constant(values, Shape.of(labels.length,
                    values.length / labels.length)));
        }

        @Override
        public String id() {
            return "bench-weighted-softmax";
        }

        @Override
        public List<HyperparameterSpec> hyperparameters() {
            double[] half = new double[labels.length];
            Arrays.fill(half, 0.5);
            return List.of(new HyperparameterSpec("weights", Shape.of(labels.length), half,
                    new io.github.bilevel.api.Constraint.Box(0, 1)));
        }

        @Override
        public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
            int f = x.length / labels.length;
            return List.of(ops.zeros(Shape.of(f, 10), ops.defaultDType()), ops.zeros(Shape.of(10),
                    ops.defaultDType()));
        }

        private static Tensor losses(Ops ops, Tensor x, int[] y, List<Tensor> p) {
            return ops.softmaxCrossEntropy(ops.add(ops.matmul(x, p.get(0)), p.get(1)), y);
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
            Tensor ce = losses(ops, data(ops, "x", x), labels, params);
            return ops.div(ops.sum(ops.mul(hyper.get("weights"), ce)), labels.length);
        }

        @Override
        public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
            return ops.mean(losses(ops, data(ops, "xv", xv), yv, params));
        }
    }

    private static final WeightedSoftmax W1 = new WeightedSoftmax(5000, 784, 1);

    /**
     * W1's inner solver: the hyperparameters are the per-example weights alone, as in hyper-cleaning, so the learning
     * rate is a constant.
     */
    private static final InnerSolver W1_SOLVER = GradientDescent.fixedRate(0.1);

    private List<Row> hypergradient(BilevelRuntime rt) {
        Ops ops = rt.ops();
        InnerSolver gd = W1_SOLVER;
        Map<String, double[]> values = HyperparameterValues.initial(W1, gd);
        // The forward steps alone, eagerly and as one compiled region (like the hypergradient), where the backend
        // compiles: the cost of the T steps is the faster of the two.
        Map<String, LongSupplier> variants = new LinkedHashMap<>();
        String compiledMode = compiledMode(rt);
        for (boolean compiled : new boolean[] {false, true}) {
            if (compiled && compiledMode == null) {
                continue;
            }
            variants.put("T=100 forward steps alone, " + (compiled ? compiledMode : "eager"), () -> {
                long start = System.nanoTime();
                java.util.function.Supplier<Double> body = () -> {
                    try (Scope s = ops.scope()) {
                        Hyperparameters hyper = HyperparameterValues.tensors(ops, W1, gd, values);
                        Dynamics d = new Dynamics(ops, W1, gd, hyper);
                        SolverState st = d.initial();
                        for (int t = 1; t <= 100; t++) {
                            SolverState next = d.advance(st, t);
                            if (t > 1) {
                                Dynamics.close(st);
                            }
                            st = next;
                        }
                        return d.outer(st).item();
                    }
                };
                if (compiled) {
                    ops.compiled("bench-forward", body);
                } else {
                    body.get();
                }
                return System.nanoTime() - start;
            });
        }
        for (String store : new String[] {"graphs", "states"}) {
            variants.put("T=100 reverse mode, store=" + store, () -> {
                long start = System.nanoTime();
                HyperparameterValues.compute(ops, rt.strategy("reverse"), W1, gd, values, 100,
                        Map.of("store", store));
                return System.nanoTime() - start;
            });
        }
        double[][] times = new double[variants.size()][];
        List<Row> rows = interleaved(rt, "W1 hypergradient", "ms", 1e6, variants, times);
        // Reverse mode against the faster forward run of the same round: rounds alternate the variants, so a slow
        // spell of the machine weighs on both sides of each ratio.
        List<String> names = List.copyOf(variants.keySet());
        for (int v = 0; v < names.size(); v++) {
            if (!names.get(v).contains("reverse mode")) {
                continue;
            }
            double[] ratio = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                double forward = Double.MAX_VALUE;
                for (int f = 0; f < names.size(); f++) {
                    if (names.get(f).contains("forward steps alone")) {
                        forward = Math.min(forward, times[f][r]);
                    }
                }
                ratio[r] = times[v][r] / forward;
            }
            Arrays.sort(ratio);
            rows.add(new Row("W1 hypergradient", rt.backendId(), names.get(v).replace("T=100 ", "") + " / forward",
                    "x", ratio[repeats / 2], ratio[0], ratio[repeats - 1], 0, 0));
        }
        // Beyond W1: the learning rate as a hyperparameter too. Its derivative needs each step's gradient again: one
        // more 5,000 x 784 product per recomputed step, which compiled and replayed regions merge with the backward
        // step's other product of the transposed data (ADR 0011).
        InnerSolver tunedLr = new GradientDescent(0.1);
        Map<String, double[]> withLr = HyperparameterValues.initial(W1, tunedLr);
        rows.add(measure(rt, "W1 hypergradient", "T=100 reverse, store=states, +lr", "ms", () -> {
            long start = System.nanoTime();
            HyperparameterValues.compute(ops, rt.strategy("reverse"), W1, tunedLr, withLr, 100, Map.of());
            return System.nanoTime() - start;
        }, 1e6));
        return rows;
    }

    // ---- W5: a small problem with a long horizon -------------------------------------------------------------------

    /**
     * Reverse-mode hypergradient of 50 per-example weights of a 50 × 10 weighted regression (the self-check's shape),
     * float64, at each T of {@code --horizons} in ascending order: time per hypergradient after warm-up, and the
     * process's peak resident memory so far (VmHWM, which only grows, so each figure covers every smaller T too).
     */
    private List<Row> horizon() {
        List<Row> rows = new ArrayList<>();
        try (BilevelRuntime rt64 = BilevelRuntime.builder().backend(backend).dtype(DType.FLOAT64).threads(intraOp())
                .build()) {
            Ops ops = rt64.ops();
            io.github.bilevel.core.check.WeightedRegressionProblem p =
                    new io.github.bilevel.core.check.WeightedRegressionProblem();
            double[] gamma = p.hyperparameters().get(0).initial();
            InnerSolver gd = GradientDescent.fixedRate(1.0 / p.lipschitzConstant(gamma));
            Map<String, double[]> values = HyperparameterValues.initial(p, gd);
            double[] time = new double[horizons.length];
            // The Java side of a replay is hot code: give the JIT a few seconds at the smallest T first, or the first
            // T measured pays for compiling it.
            Map<String, String> options = horizonCompile.equals("off") ? Map.of("compile", "off") : Map.of();
            long warmUntil = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warmUntil) {
                HyperparameterValues.compute(ops, rt64.strategy(horizonStrategy), p, gd, values, horizons[0], options);
            }
            for (int i = 0; i < horizons.length; i++) {
                int t = horizons[i];
                Row r = measure(rt64, "W5 horizon", "T=" + t + " " + horizonStrategy + (options.isEmpty() ? ""
                        : " eager") + ", float64, 50x10 weights", "ms", () -> {
                    long start = System.nanoTime();
                    HyperparameterValues.compute(ops, rt64.strategy(horizonStrategy), p, gd, values, t, options);
                    return System.nanoTime() - start;
                }, 1e6);
                time[i] = r.median();
                rows.add(r);
            }
            double[] x = java.util.Arrays.stream(horizons).asDoubleStream().toArray();
            LinearFit tm = LinearFit.of(x, time);
            rows.add(new Row("W5 horizon", rt64.backendId(), String.format("time per inner step %.1f us, linear in T "
                    + "with R2 %.4f", tm.slope() * 1e3, tm.r2()), "fit", tm.slope() * 1e3, tm.r2(), tm.r2(), 0, 0));
        }
        return rows;
    }

    private List<Row> scaling(BilevelRuntime rt) {
        Ops ops = rt.ops();
        InnerSolver gd = W1_SOLVER;
        Map<String, double[]> values = HyperparameterValues.initial(W1, gd);
        List<Row> rows = new ArrayList<>();
        long stateBytes = (784L * 10 + 10) * DType.FLOAT32.bytes();
        int[] ts = {50, 100, 200, 400, 800};
        for (String store : new String[] {"states", "graphs"}) {
            double[] peak = new double[ts.length];
            double[] time = new double[ts.length];
            for (int i = 0; i < ts.length; i++) {
                int t = ts[i];
                Row r = measure(rt, "W3 scaling", "T=" + t + " reverse, store=" + store, "ms", () -> {
                    long start = System.nanoTime();
                    HyperparameterValues.compute(ops, rt.strategy("reverse"), W1, gd, values, t,
                            Map.of("store", store, "compile", "off"));
                    return System.nanoTime() - start;
                }, 1e6);
                peak[i] = r.peakNativeBytes();
                time[i] = r.median();
                rows.add(r);
            }
            double[] x = java.util.Arrays.stream(ts).asDoubleStream().toArray();
            LinearFit m = LinearFit.of(x, peak);
            LinearFit tm = LinearFit.of(x, time);
            rows.add(new Row("W3 scaling", rt.backendId(), String.format("store=%s: extra memory per inner step "
                    + "= %.2f x one stored state (R2 %.4f); time per step %.2f ms (R2 %.4f)", store,
                    m.slope() / stateBytes, m.r2(), tm.slope(), tm.r2()), "B", m.slope(), m.slope(), m.slope(), 0, 0));
        }
        return rows;
    }

    private static double[] gaussian(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static double[] uniform(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextDouble();
        }
        return v;
    }
}
