package io.github.bilevel.bench;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;

/** How every workload is timed: warm-up, then {@code repeats} runs; median and spread, peak native memory, heap. */
final class Measurement {
    private final int repeats;

    Measurement(int repeats) {
        this.repeats = repeats;
    }

    int repeats() {
        return repeats;
    }

    /**
     * Runs {@code body} twice to warm up (the first run of a region records it, the second is the first run of its
     * compiled form, which TensorFlow optimizes then), then {@code repeats} times; each run returns its own measure.
     */
    Row measure(BilevelRuntime rt, String workload, String variant, String unit, LongSupplier bodyNanos,
                        double perUnit) {
        return interleaved(rt, workload, unit, perUnit, Map.of(variant, bodyNanos), new double[1][]).get(0);
    }

    /**
     * {@link #measure} for several variants at once, in rounds: each round runs every variant once, in order, so that
     * the machine's slow spells fall on all of them. Each run's measure divided by {@code perUnit} goes to
     * {@code times[variant]}, in round order; peak native memory is the largest over a variant's own runs.
     */
    List<Row> interleaved(BilevelRuntime rt, String workload, String unit, double perUnit,
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
    static String compiledMode(BilevelRuntime rt) {
        return rt.backend().capability(io.github.bilevel.api.spi.GraphCompiler.class)
                .map(c -> c.interprets() ? "replayed" : "compiled").orElse(null);
    }

    static double[] gaussian(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    static double[] uniform(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextDouble();
        }
        return v;
    }
}
