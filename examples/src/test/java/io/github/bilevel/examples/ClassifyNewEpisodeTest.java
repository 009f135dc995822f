package io.github.bilevel.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.Model;
import io.github.bilevel.core.experiment.ExperimentHost;
import io.github.bilevel.core.experiment.ModelFile;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.data.omniglot.EpisodeSampler;
import io.github.bilevel.data.omniglot.Omniglot;
import io.github.bilevel.plugin.meta.FewShotClassifier;
import io.github.bilevel.plugin.meta.OmniglotFewShot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example on the model of a tiny omniglot run: read back from its file, it labels as the run's model did. */
class ClassifyNewEpisodeTest {
    @TempDir
    Path tmp;

    @Test
    void aSavedRepresentationLabelsANewEpisodeAsTheRunsModelDoes() throws Exception {
        OmniglotFewShot omniglot = new OmniglotFewShot();
        Map<String, Object> values = new LinkedHashMap<>(ExperimentHost.defaults(omniglot, false).asMap());
        values.putAll(Map.of("ways", 3, "shots", 1, "queries", 2, "T", 2, "meta_batch", 1, "iterations", 3,
                "filters", 4, "layers", 2, "validate_every", 1, "validation_episodes", 4));
        values.put("test_episodes", 2);
        Model[] model = new Model[1];
        try (BilevelRuntime rt = reference()) {
            ExperimentHost.builder(rt, new Config(values)).listener(new ExperimentHost.Listener() {
                @Override
                public void modelSaved(Model m) {
                    model[0] = m;
                }
            }).build().run(omniglot);
        }
        Path file = tmp.resolve("model.json");
        ModelFile.write(file, model[0], Map.of());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Omniglot data = Omniglot.embedded();
        EpisodeSampler test = new EpisodeSampler(data, data.split(0).test(), false, 3, 1, 2);
        try (BilevelRuntime rt = reference()) {
            double accuracy = ClassifyNewEpisode.classify(file, 7, rt, new PrintStream(bytes, true,
                    StandardCharsets.UTF_8));
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(accuracy >= 0 && accuracy <= 1, printed);
            int[] direct = FewShotClassifier.of(model[0]).classify(rt.engine(), test.episode(7));
            assertEquals(6, direct.length);
            assertTrue(printed.contains("labels: " + Arrays.toString(direct)), printed);
        }
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("a 3-way 1-shot episode, 2 steps on the support "
                + "examples"), bytes.toString(StandardCharsets.UTF_8));
    }

    private static BilevelRuntime reference() {
        return BilevelRuntime.builder().backendProviders(java.util.List.of(ReferenceBackend.provider())).threads(1)
                .selectionInputs(null, Map.of()).build();
    }
}
