package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.data.Episode;
import java.util.List;

/**
 * A few-shot episode as a bilevel problem whose inner problem fits the support examples and whose outer objective is
 * the loss on the queries: the hyper-representation's ({@link EpisodeProblem}) and MAML's ({@link MamlProblem}).
 * Meta-validation and meta-testing train the inner parameters from {@code w_0(λ)} by plain gradient steps on
 * {@link #innerObjective} and score {@link #queryLogits}.
 */
interface EpisodicProblem extends Problem {

    Episode episode();

    /** The query examples' logits {@code [queries, ways]} under the inner parameters {@code params}. */
    Tensor queryLogits(Ops ops, List<Tensor> params, Hyperparameters hyper);
}
