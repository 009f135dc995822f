package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
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
 * ({@link #derived}), not once per inner step.
 */
public final class EpisodeProblem implements Problem {
    static final String SUPPORT = "support-features";
    static final String QUERY = "query-features";

    private final ConvRepresentation representation;
    private final Episode episode;

    public EpisodeProblem(ConvRepresentation representation, Episode episode) {
        this.representation = representation;
        this.episode = episode;
    }

    Episode episode() {
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
        int f = episode.channels() * episode.side() * episode.side();
        int ns = episode.supportLabels().length;
        int nq = episode.queryLabels().length;
        double[] all = new double[(ns + nq) * f];
        float[] s = episode.support();
        float[] q = episode.query();
        for (int i = 0; i < s.length; i++) {
            all[i] = s[i];
        }
        for (int i = 0; i < q.length; i++) {
            all[s.length + i] = q[i];
        }
        return ops.constant(all, Shape.of(ns + nq, f));
    }

    @Override
    public Map<String, Tensor> derived(Ops ops, Hyperparameters hyper) {
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
        return ops.mean(ops.softmaxCrossEntropy(logits(ops, hyper.get(QUERY), params), episode.queryLabels()));
    }
}
