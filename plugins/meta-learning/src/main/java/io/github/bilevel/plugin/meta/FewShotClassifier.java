package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.Model;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.data.Episode;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A saved few-shot model put to use: given a new episode, it adapts to the support examples as the run's meta-test
 * did (the run's inner learning rate and meta-test T) and labels the queries. For models of {@code omniglot} and
 * {@code miniimagenet} (a hyper-representation: a linear classifier on the learned features) and {@code
 * omniglot-maml} (the learned initialization of the whole network). Stateless: one instance serves many threads, each with its own {@link Ops}.
 */
public final class FewShotClassifier {
    private final Function<Episode, EpisodicProblem> problems;
    private final Map<String, double[]> values;
    private final InnerSolver solver;
    private final double lr;
    private final int steps;
    private final int ways;

    private FewShotClassifier(OmniglotFewShot.Settings s, long seed, Map<String, double[]> values, int steps) {
        this.problems = s.problems(seed);
        this.values = Map.copyOf(values);
        if (!values.containsKey(OmniglotFewShot.LR)) {
            throw new InvalidInputException("The model has no inner learning rate '" + OmniglotFewShot.LR + "'");
        }
        this.lr = values.get(OmniglotFewShot.LR)[0];
        this.solver = new GradientDescent(lr);
        this.steps = steps;
        this.ways = s.ways();
    }

    /**
     * The classifier of a model saved by {@code omniglot} or {@code omniglot-maml} (read it with core's
     * {@code ModelFile}).
     *
     * @throws InvalidInputException when the model is of another experiment or lacks a setting
     */
    public static FewShotClassifier of(Model model) {
        Experiment experiment = switch (model.experiment()) {
            case "omniglot" -> new OmniglotFewShot();
            case "omniglot-maml" -> new OmniglotMaml();
            case OmniglotFewShot.MINIIMAGENET -> new MiniImagenetFewShot();
            default -> throw new InvalidInputException("A model of experiment '" + model.experiment() + "' is not a "
                    + "few-shot model of omniglot, omniglot-maml or miniimagenet");
        };
        Map<String, Object> defaults = new LinkedHashMap<>();
        experiment.options().forEach(o -> defaults.put(o.key(), o.defaultValue()));
        SavedRun run = SavedRun.of(experiment, model, defaults,
                experiment instanceof OmniglotMaml, experiment instanceof MiniImagenetFewShot
                        ? OmniglotFewShot.MINIIMAGENET : OmniglotFewShot.OMNIGLOT);
        return new FewShotClassifier(run.settings(), run.seed(), model.values(), run.testSteps());
    }

    /** Classes per episode the model was trained for. */
    public int ways() {
        return ways;
    }

    /** Inner steps on the support examples before the queries are labelled. */
    public int steps() {
        return steps;
    }

    /** The label, 0 to ways − 1, of each query example of {@code episode} (its query labels are not read). */
    public int[] classify(Ops ops, Episode episode) {
        if (episode.ways() != ways) {
            throw new InvalidInputException("The model labels " + ways + "-way episodes, not " + episode.ways()
                    + "-way ones");
        }
        int[] labels = new int[episode.queryLabels().length];
        FewShotEvaluation.adapt(ops, problems.apply(episode), solver, values, lr, steps, false, (logits, t) -> {
            for (int i = 0; i < labels.length; i++) {
                labels[i] = FewShotEvaluation.argmax(logits, i, ways);
            }
        });
        return labels;
    }
}
