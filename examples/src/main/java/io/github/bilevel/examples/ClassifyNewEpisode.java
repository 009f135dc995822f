package io.github.bilevel.examples;

import io.github.bilevel.core.experiment.ModelFile;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.omniglot.EpisodeSampler;
import io.github.bilevel.data.omniglot.Omniglot;
import io.github.bilevel.plugin.meta.FewShotClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Loads the model a run of {@code bilevel run omniglot} (or {@code omniglot-maml}) saved, draws a new episode from
 * the Omniglot characters the run kept for meta-testing, adapts to its support examples and labels its queries:
 * {@code ClassifyNewEpisode <run-folder|model.json> [episode-seed]}.
 */
public final class ClassifyNewEpisode {
    private ClassifyNewEpisode() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ClassifyNewEpisode <run-folder|model.json> [episode-seed]");
            System.exit(2);
        }
        // the backend chosen at deploy time, as in the other examples
        try (BilevelRuntime rt = BilevelRuntime.builder().build()) {
            classify(Path.of(args[0]), args.length > 1 ? Long.parseLong(args[1]) : 42, rt, System.out);
        }
    }

    /** Labels the queries of the episode drawn from {@code episodeSeed}; returns the fraction labelled right. */
    static double classify(Path model, long episodeSeed, BilevelRuntime rt, PrintStream out) throws IOException {
        ModelFile.Saved saved = ModelFile.read(model);
        FewShotClassifier classifier = FewShotClassifier.of(saved.model());
        Map<String, Object> settings = saved.model().settings();
        int shots = ((Number) settings.get("shots")).intValue();
        int queries = ((Number) settings.get("queries")).intValue();
        // the characters the run held out for meta-testing: the split of the run's seed
        Omniglot data = Omniglot.embedded();
        long runSeed = ((Number) settings.get("seed")).longValue();
        EpisodeSampler test = new EpisodeSampler(data, data.split(runSeed).test(), false, classifier.ways(), shots,
                queries);
        Episode episode = test.episode(episodeSeed);
        {
            int[] labels = classifier.classify(rt.engine(), episode);
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += labels[i] == episode.queryLabels()[i] ? 1 : 0;
            }
            out.printf("%s model on %s: a %d-way %d-shot episode, %d steps on the support examples%n",
                    saved.model().experiment(), rt.backendId(), classifier.ways(), shots, classifier.steps());
            out.println("labels: " + Arrays.toString(labels));
            out.println("truth:  " + Arrays.toString(episode.queryLabels()));
            out.printf("%d of %d queries right (%.1f%%)%n", correct, labels.length, 100.0 * correct / labels.length);
            return correct / (double) labels.length;
        }
    }
}
