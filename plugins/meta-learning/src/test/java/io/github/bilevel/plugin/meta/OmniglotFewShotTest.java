package io.github.bilevel.plugin.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.Model;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.omniglot.EpisodeSampler;
import io.github.bilevel.data.omniglot.Omniglot;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.experiment.ExperimentHost;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The omniglot experiment's settings for the ablations: a tiny network on the embedded data, reference backend. */
class OmniglotFewShotTest {
    private static BilevelRuntime runtime() {
        return BilevelRuntime.builder().backendProviders(List.of(ReferenceBackend.provider())).dtype(DType.FLOAT32).threads(1)
                .selectionInputs(null, Map.of()).build();
    }

    private static Map<String, Object> run(Object... settings) throws Exception {
        return run(new OmniglotFewShot(), settings);
    }

    /** The model the last run saved. */
    private static Model saved;

    private static Map<String, Object> run(Experiment omniglot, Object... settings) throws Exception {
        Map<String, Object> values = new LinkedHashMap<>(ExperimentHost.defaults(omniglot, false).asMap());
        values.putAll(Map.of("ways", 3, "shots", 1, "queries", 2, "T", 2, "meta_batch", 1, "iterations", 4,
                "filters", 4, "layers", 2, "validate_every", 2, "validation_episodes", 8));
        values.put("test_episodes", 8);
        for (int i = 0; i < settings.length; i += 2) {
            values.put((String) settings[i], settings[i + 1]);
        }
        try (BilevelRuntime rt = runtime()) {
            ExperimentResult r = ExperimentHost.builder(rt, new Config(values)).listener(new ExperimentHost.Listener() {
                @Override
                public void modelSaved(Model model) {
                    saved = model;
                }
            }).build().run(omniglot);
            return r.results();
        }
    }

    @Test
    void aFixedInnerLearningRateStaysWhereItStartsAndALearnedOneMoves() throws Exception {
        assertEquals(0.4, (double) run("learn_inner_lr", false).get("inner_lr"), 0.0);
        assertNotEquals(0.4, (double) run().get("inner_lr"));
    }

    @Test
    void bothProtocolsAreMetaTestedAndTheTestStepsAreChosenAsAsked() throws Exception {
        Map<String, Object> r = run("test_T", "validated", "bn_statistics", "per-set", "bn_scale", false);
        double[] byT = (double[]) r.get("validation_accuracy_by_T");
        assertEquals(OmniglotFewShot.MAX_VALIDATED_T, byT.length);
        int best = 0;
        for (int t = 0; t < byT.length; t++) {
            assertTrue(byT[t] >= 0 && byT[t] <= 1, "T = " + (t + 1) + ": " + byT[t]);
            best = byT[t] > byT[best] ? t : best;
        }
        // the first T of the best accuracy, counting from the training T on ties
        assertEquals(byT[best], byT[(int) r.get("test_T") - 1], 0.0);
        for (String key : List.of("test_accuracy", "test_accuracy_authors_protocol")) {
            double a = (double) r.get(key);
            assertTrue(a >= 0 && a <= 1, key + " " + a);
        }
        assertEquals(7, run("test_T", "7", "iterations", 1).get("test_T"));
        assertEquals(2, run("iterations", 1).get("test_T"));
    }

    @Test
    void mamlMetaTrainsTheInitializationWithSecondAndFirstOrderMetaGradients() throws Exception {
        for (String strategy : List.of("reverse", "first-order")) {
            Map<String, Object> r = run(new OmniglotMaml(), "T", 1, "strategy", strategy);
            assertEquals(3, r.get("test_T"), "MAML's default: three steps at meta-test");
            assertEquals(0.4, (double) r.get("inner_lr"), 0.0, "MAML's default: a fixed inner learning rate");
            for (String key : List.of("test_accuracy", "test_accuracy_authors_protocol", "best_validation_accuracy")) {
                double a = (double) r.get(key);
                assertTrue(a >= 0 && a <= 1, strategy + " " + key + " " + a);
            }
        }
        assertTrue(new OmniglotMaml().options().stream().noneMatch(o -> o.key().equals("bn_statistics")),
                "MAML normalizes each set alone");
    }

    @Test
    void theSavedModelClassifiesTheRunsTestEpisodesAsTheMetaTestDid() throws Exception {
        for (Experiment experiment : List.of(new OmniglotFewShot(), new OmniglotMaml())) {
            Map<String, Object> r = run(experiment, "test_episodes", 5);
            FewShotClassifier classifier = FewShotClassifier.of(saved);
            assertEquals(r.get("test_T"), classifier.steps());
            Omniglot data = Omniglot.embedded();
            EpisodeSampler test = new EpisodeSampler(data, data.split(0).test(), false, 3, 1, 2);
            double[] acc = new double[5];
            try (BilevelRuntime rt = runtime()) {
                List<Episode> episodes = FewShotEvaluation.episodes(test, 2, 5);
                for (int i = 0; i < 5; i++) {
                    int[] labels = classifier.classify(rt.engine(), episodes.get(i));
                    int correct = 0;
                    for (int q = 0; q < labels.length; q++) {
                        correct += labels[q] == episodes.get(i).queryLabels()[q] ? 1 : 0;
                    }
                    acc[i] = correct / (double) labels.length;
                }
            }
            assertEquals((double) r.get("test_accuracy"), FewShotEvaluation.meanAndCi95(acc)[0], 0.0,
                    experiment.id());
        }
    }

    @Test
    void unknownSettingsAreOneLineErrors() {
        InvalidInputException stats = assertThrows(InvalidInputException.class, () -> run("bn_statistics", "both"));
        assertEquals("bn_statistics must be stacked or per-set, got 'both'", stats.getMessage());
        InvalidInputException steps = assertThrows(InvalidInputException.class, () -> run("test_T", "0"));
        assertEquals("test_T must be training, validated or a number of steps from 1 to 9999, got '0'",
                steps.getMessage());
    }
}
