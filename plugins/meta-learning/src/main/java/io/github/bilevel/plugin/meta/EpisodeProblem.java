package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.data.Episode;
import java.util.List;
import java.util.Map;

/**
 * One few-shot episode as a bilevel problem (hyper-representation): the inner problem trains a linear softmax
 * classifier, from zero, on the representation of the support examples; the outer objective is its cross-entropy on
 * the queries. The representation of all the episode's examples is computed once per hypergradient
 * ({@link #derived}), not once per inner step. Batch statistics are those of the support and query examples stacked,
 * or of each set alone ({@code perSetStatistics}, as in the authors' code).
 */
public final class EpisodeProblem implements EpisodicProblem {
    static final String SUPPORT = "support-features";
    static final String QUERY = "query-features";

    private final ConvRepresentation representation;
    private final Episode episode;
    private final boolean perSetStatistics;

    /** With batch statistics over the support and query examples stacked. */
    public EpisodeProblem(ConvRepresentation representation, Episode episode) {
        this(representation, episode, false);
    }

    public EpisodeProblem(ConvRepresentation representation, Episode episode, boolean perSetStatistics) {
        this.representation = representation;
        this.episode = episode;
        this.perSetStatistics = perSetStatistics;
    }

    @Override
    public Episode episode() {
        return episode;
    }

    @Override
    public String id() {
        return "few-shot-episode";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return representation.hyperparameters();
    }

    /** The support and query examples stacked, so batch statistics and one convolution pass cover both. */
    Tensor examples(Ops ops) {
        return ops.constant(stacked(episode.support(), episode.query()), Shape.of(episode.supportLabels().length
                + episode.queryLabels().length, episode.channels() * episode.side() * episode.side()));
    }

    private static double[] stacked(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        double[] all = new double[n];
        int at = 0;
        for (float[] p : parts) {
            for (float v : p) {
                all[at++] = v;
            }
        }
        return all;
    }

    @Override
    public Map<String, Tensor> derived(Ops ops, Hyperparameters hyper) {
        if (perSetStatistics) {
            int f = episode.channels() * episode.side() * episode.side();
            return Map.of(SUPPORT, representation.apply(ops, hyper, ops.constant(stacked(episode.support()),
                            Shape.of(episode.supportLabels().length, f))),
                    QUERY, representation.apply(ops, hyper, ops.constant(stacked(episode.query()),
                            Shape.of(episode.queryLabels().length, f))));
        }
        Tensor features = representation.apply(ops, hyper, examples(ops));
        int ns = episode.supportLabels().length;
        int nq = episode.queryLabels().length;
        int d = representation.features();
        return Map.of(SUPPORT, ops.slice(features, new int[] {0, 0}, new int[] {ns, d}),
                QUERY, ops.slice(features, new int[] {ns, 0}, new int[] {nq, d}));
    }

    @Override
    public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
        return List.of(ops.zeros(Shape.of(representation.features(), episode.ways()), ops.defaultDType()),
                ops.zeros(Shape.of(episode.ways()), ops.defaultDType()));
    }

    static Tensor logits(Ops ops, Tensor features, List<Tensor> params) {
        return ops.add(ops.matmul(features, params.get(0)), params.get(1));
    }

    @Override
    public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
        return ops.mean(ops.softmaxCrossEntropy(logits(ops, hyper.get(SUPPORT), params), episode.supportLabels()));
    }

    @Override
    public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return ops.mean(ops.softmaxCrossEntropy(queryLogits(ops, params, hyper), episode.queryLabels()));
    }

    @Override
    public Tensor queryLogits(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return logits(ops, hyper.get(QUERY), params);
    }
}
