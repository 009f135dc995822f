package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.data.Episode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One few-shot episode as MAML's bilevel problem (Finn et al. 2017): the inner parameters are the whole network, the
 * convolutional backbone of {@link ConvRepresentation} and a linear head, and λ is their initialization,
 * {@code w_0(λ) = λ}. The inner problem adapts every weight to the support examples; the outer objective is the query
 * cross-entropy of the adapted network. Batch statistics are those of the examples in hand: the support set in the
 * inner objective, the query set in the outer one. The head starts at zero, so the initialization treats the
 * episode's classes alike.
 */
final class MamlProblem implements EpisodicProblem {
    static final String HEAD_WEIGHT = "head.weight";
    static final String HEAD_BIAS = "head.bias";

    /** The network whose initialization is learned: a backbone and a head for {@code ways} classes. */
    static final class Network {
        private final ConvRepresentation backbone;
        private final int ways;
        private final List<HyperparameterSpec> specs;

        Network(ConvRepresentation backbone, int ways) {
            this.backbone = backbone;
            this.ways = ways;
            List<HyperparameterSpec> s = new ArrayList<>(backbone.hyperparameters());
            int d = backbone.features();
            s.add(new HyperparameterSpec(HEAD_WEIGHT, Shape.of(d, ways), new double[d * ways], Constraint.none()));
            s.add(new HyperparameterSpec(HEAD_BIAS, Shape.of(ways), new double[ways], Constraint.none()));
            this.specs = List.copyOf(s);
        }

        List<HyperparameterSpec> hyperparameters() {
            return specs;
        }

        /** Logits {@code [n, ways]} of images {@code [n, channels·side·side]} under the weights {@code params}. */
        Tensor logits(Ops ops, List<Tensor> params, Tensor images) {
            Map<String, Tensor> named = new LinkedHashMap<>();
            for (int i = 0; i < specs.size(); i++) {
                named.put(specs.get(i).name(), params.get(i));
            }
            Tensor features = backbone.apply(ops, new Hyperparameters(named), images);
            return ops.add(ops.matmul(features, named.get(HEAD_WEIGHT)), named.get(HEAD_BIAS));
        }
    }

    private final Network network;
    private final Episode episode;

    MamlProblem(Network network, Episode episode) {
        if (episode.ways() != network.ways) {
            throw new IllegalArgumentException("A " + episode.ways() + "-way episode for a network with "
                    + network.ways + " outputs");
        }
        this.network = network;
        this.episode = episode;
    }

    @Override
    public String id() {
        return "maml-episode";
    }

    @Override
    public Episode episode() {
        return episode;
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return network.hyperparameters();
    }

    @Override
    public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
        List<Tensor> w = new ArrayList<>();
        for (HyperparameterSpec s : network.hyperparameters()) {
            // a tensor of its own: the solver's states must not alias λ
            w.add(ops.mul(hyper.get(s.name()), 1.0));
        }
        return w;
    }

    private Tensor images(Ops ops, float[] pixels, int n) {
        double[] v = new double[pixels.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = pixels[i];
        }
        return ops.constant(v, Shape.of(n, episode.channels() * episode.side() * episode.side()));
    }

    @Override
    public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
        Tensor logits = network.logits(ops, params, images(ops, episode.support(), episode.supportLabels().length));
        return ops.mean(ops.softmaxCrossEntropy(logits, episode.supportLabels()));
    }

    @Override
    public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return ops.mean(ops.softmaxCrossEntropy(queryLogits(ops, params, hyper), episode.queryLabels()));
    }

    @Override
    public Tensor queryLogits(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return network.logits(ops, params, images(ops, episode.query(), episode.queryLabels().length));
    }
}
