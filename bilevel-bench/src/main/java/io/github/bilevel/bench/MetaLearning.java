package io.github.bilevel.bench;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.outer.LocalTaskExecutor;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.omniglot.EpisodeSampler;
import io.github.bilevel.data.omniglot.Omniglot;
import io.github.bilevel.plugin.meta.ConvRepresentation;
import io.github.bilevel.plugin.meta.EpisodeProblem;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * W2: one outer iteration of Omniglot 5-way 1-shot hyper-representation learning with the meta-learning plugin's
 * model, then what the backend's dense kernels reach ({@link DenseProbes}).
 */
final class MetaLearning {
    private MetaLearning() {
    }

    static List<Row> run(Measurement m, BilevelRuntime rt, int threads) throws IOException {
        Ops ops = rt.ops();
        Omniglot data = Omniglot.embedded();
        EpisodeSampler sampler = new EpisodeSampler(data, data.split(0).train(), true, 5, 1, 15);
        ConvRepresentation rep = new ConvRepresentation(1, Omniglot.SIDE, 64, 4, 17);
        InnerSolver gd = new GradientDescent(0.4);
        Map<String, double[]> values = HyperparameterValues.initial(new EpisodeProblem(rep,
                sampler.episode(0)), gd);
        long[] batch = {0};
        // The meta-batch's tasks go to the same executor as in `bilevel run`: --threads tasks at a time.
        try (LocalTaskExecutor executor = new LocalTaskExecutor(Math.max(1, threads))) {
            Row w2 = m.measure(rt, "W2 meta-learning", "Omniglot 5-way 1-shot, meta-batch 4, T=5", "ms", () -> {
                List<Callable<Hypergradient>> tasks = new ArrayList<>();
                for (Episode e : sampler.metaBatch(batch[0]++, 4)) {
                    Problem p = new EpisodeProblem(rep, e);
                    tasks.add(() -> HyperparameterValues.compute(ops, rt.strategy("reverse"), p, gd, values, 5,
                            Map.of()));
                }
                long start = System.nanoTime();
                executor.invokeAll(tasks);
                return System.nanoTime() - start;
            }, 1e6);
            List<Row> rows = new ArrayList<>(List.of(w2));
            rows.add(new Row("W2 meta-learning", rt.backendId(), String.format("achieved %.1f GFLOP/s (%.2f GFLOP "
                    + "of convolutions per outer iteration)", W2_GFLOP / (w2.median() / 1e3), W2_GFLOP), "fit", 0, 0,
                    0, 0, 0));
            rows.addAll(DenseProbes.run(m, rt));
            return rows;
        }
    }

    /**
     * W2's arithmetic: per episode (5 + 75 images of 28 × 28) four 3×3 convolutions with 64 filters and stride 2
     * (28→14→7→4→2), forward (0.425 GFLOP), their input gradients but the first layer's (0.407) and their filter
     * gradients (0.425); the inner steps work on the features only. Four episodes.
     */
    private static final double W2_GFLOP = 4 * (0.4252 + 0.4071 + 0.4252);
}
