package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.omniglot.EpisodeSampler;
import io.github.bilevel.support.HyperparameterValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Meta-validation and meta-testing: each episode's inner parameters start at {@code w_0(λ)} and take plain gradient
 * steps on the support loss with the learned (or fixed) inner learning rate; the score is the query accuracy. The
 * problem's derived tensors (a representation) are computed once per episode, without derivatives.
 */
final class FewShotEvaluation {
    private FewShotEvaluation() {
    }

    /** {@code n} episodes drawn from seeds derived from {@code seed}. */
    static List<Episode> episodes(EpisodeSampler sampler, long seed, int n) {
        List<Episode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(sampler.episode(seed * 7_919L + i));
        }
        return out;
    }

    /**
     * Mean query accuracy and the half-width of its 95% confidence interval over the episodes, for the hyperparameters
     * {@code values} (inner learning rate {@code learningRate}), after {@code steps} inner steps; ticks per episode.
     */
    static double[] evaluate(Ops ops, Function<Episode, EpisodicProblem> problems, InnerSolver solver,
                             Map<String, double[]> values, String learningRate, int steps, List<Episode> episodes,
                             Runnable tick) {
        return meanAndCi95(accuracies(ops, problems, solver, values, learningRate, steps, false, episodes,
                tick)[steps - 1]);
    }

    /** Mean query accuracy over the episodes after each number of steps from 1 to {@code maxSteps}, in one pass. */
    static double[] accuracyByT(Ops ops, Function<Episode, EpisodicProblem> problems, InnerSolver solver,
                                Map<String, double[]> values, String learningRate, int maxSteps,
                                List<Episode> episodes) {
        double[][] acc = accuracies(ops, problems, solver, values, learningRate, maxSteps, true, episodes, () -> { });
        double[] out = new double[maxSteps];
        for (int t = 0; t < maxSteps; t++) {
            out[t] = meanAndCi95(acc[t])[0];
        }
        return out;
    }

    /**
     * {@code [t][i]}: the query accuracy on episode i after t + 1 steps from {@code w_0(λ)}, for every t when
     * {@code everyStep}, for the last only otherwise.
     */
    private static double[][] accuracies(Ops ops, Function<Episode, EpisodicProblem> problems, InnerSolver solver,
                                         Map<String, double[]> values, String learningRate, int maxSteps,
                                         boolean everyStep, List<Episode> episodes, Runnable tick) {
        double[][] acc = new double[maxSteps][episodes.size()];
        double lr = values.get(learningRate)[0];
        // One compiled region for every episode: episodes differ in their data only, which the region feeds.
        List<Object> region = List.of(FewShotEvaluation.class, solver.id(), maxSteps, everyStep);
        for (int i = 0; i < episodes.size(); i++) {
            Episode episode = episodes.get(i);
            int at = i;
            ops.compiled(region, () -> {
                adapt(ops, problems.apply(episode), solver, values, lr, maxSteps, everyStep, (logits, t) ->
                        acc[t][at] = accuracy(logits, episode.queryLabels(), episode.ways()));
                return null;
            });
            tick.run();
        }
        return acc;
    }

    /** Receives the query logits after step {@code t + 1}. */
    interface StepLogits {
        void accept(double[] logits, int t);
    }

    /**
     * Trains the episode's inner parameters from {@code w_0(λ)} by {@code maxSteps} gradient steps of size {@code lr}
     * on the support loss, handing over the query logits after every step when {@code everyStep}, after the last
     * otherwise. Tensors are freed before it returns.
     */
    static void adapt(Ops ops, EpisodicProblem p, InnerSolver solver, Map<String, double[]> values, double lr,
                      int maxSteps, boolean everyStep, StepLogits out) {
        try (Scope s = ops.scope()) {
            Hyperparameters given = HyperparameterValues.tensors(ops, p, solver, values);
            Map<String, Tensor> all = new LinkedHashMap<>(given.asMap());
            p.derived(ops, given).forEach((name, t) -> all.put(name, t.detach()));
            Hyperparameters hyper = new Hyperparameters(all);
            List<Tensor> params = new ArrayList<>();
            p.initialParameters(ops, hyper).forEach(w -> params.add(w.detach()));
            for (int t = 0; t < maxSteps; t++) {
                List<Tensor> g = ops.grad(p.innerObjective(ops, params, hyper, t), params, false);
                for (int k = 0; k < params.size(); k++) {
                    params.set(k, ops.sub(params.get(k), ops.mul(g.get(k), lr)));
                }
                if (everyStep || t == maxSteps - 1) {
                    out.accept(p.queryLogits(ops, params, hyper).toDoubleArray(), t);
                }
            }
        }
    }

    static double[] meanAndCi95(double[] acc) {
        double mean = 0;
        for (double a : acc) {
            mean += a;
        }
        mean /= acc.length;
        double var = 0;
        for (double a : acc) {
            var += (a - mean) * (a - mean);
        }
        double sd = acc.length > 1 ? Math.sqrt(var / (acc.length - 1)) : 0;
        return new double[] {mean, 1.96 * sd / Math.sqrt(acc.length)};
    }

    /** The fraction of rows of {@code logits [n, classes]} whose largest entry is at the label. */
    static double accuracy(double[] logits, int[] labels, int classes) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (argmax(logits, i, classes) == labels[i]) {
                correct++;
            }
        }
        return correct / (double) labels.length;
    }

    /** The class with the largest logit in row {@code row} of {@code logits [n, classes]} (the first on ties). */
    static int argmax(double[] logits, int row, int classes) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (logits[row * classes + k] > logits[row * classes + best]) {
                best = k;
            }
        }
        return best;
    }
}
