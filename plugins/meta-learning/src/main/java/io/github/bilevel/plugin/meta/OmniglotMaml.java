package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.experiment.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Few-shot classification on Omniglot with MAML (Finn et al. 2017) as a bilevel problem: λ is the initialization of
 * the whole network, the backbone of {@code omniglot} and a linear head ({@link MamlProblem}); each episode adapts
 * every weight by T gradient steps on its support examples, and the outer objective is the adapted network's query
 * loss. {@code strategy=reverse} (the default) gives the full second-order meta-gradient, {@code
 * strategy=first-order} first-order MAML. Defaults follow the MAML paper's Omniglot setup: one inner step at α = 0.4
 * (not learned), three at meta-test, meta-batches of 32 episodes, Adam at 1e-3 without decay. Splits, meta-validation,
 * meta-test and outputs are those of {@code omniglot}.
 */
public final class OmniglotMaml implements Experiment {
    /** MAML's own defaults, where they differ from {@code omniglot}'s. */
    private static final Map<String, Object> DEFAULTS = Map.of("T", 1, "meta_batch", 32, "lr_decay", 0.0,
            "learn_inner_lr", false, "test_T", "3");

    @Override
    public String id() {
        return "omniglot-maml";
    }

    @Override
    public String description() {
        return "Omniglot N-way K-shot with MAML: learn the network's initialization by hypergradients";
    }

    @Override
    public List<ConfigOption> options() {
        List<ConfigOption> out = new ArrayList<>();
        for (ConfigOption o : OmniglotFewShot.withDefaults(new OmniglotFewShot().options(), DEFAULTS)) {
            switch (o.key()) {
                // MAML normalizes each set by its own statistics: the support set in the inner problem, the queries in
                // the outer one
                case "bn_statistics" -> { }
                case "inner_lr" -> out.add(new ConfigOption(o.key(), o.type(), o.defaultValue(), o.min(), o.max(),
                        "inner learning rate α (initial value when learn_inner_lr)"));
                case "strategy" -> out.add(new ConfigOption(o.key(), o.type(), o.defaultValue(), o.min(), o.max(),
                        "hypergradient strategy id: reverse (second-order MAML), first-order (first-order MAML), …"));
                default -> out.add(o);
            }
        }
        return out;
    }

    @Override
    public Map<String, Object> quickOverrides() {
        return Map.of("iterations", 40, "meta_batch", 4, "validate_every", 20, "validation_episodes", 20,
                "test_episodes", 100, "filters", 32);
    }

    @Override
    public ExperimentResult run(ExperimentContext ctx) throws Exception {
        return OmniglotFewShot.run(ctx, OmniglotFewShot.Settings.of(ctx.config(), true));
    }

    @Override
    public ExperimentResult evaluate(ExperimentContext ctx, Model model) throws Exception {
        return OmniglotFewShot.evaluate(ctx, this, true, OmniglotFewShot.OMNIGLOT, model);
    }
}
