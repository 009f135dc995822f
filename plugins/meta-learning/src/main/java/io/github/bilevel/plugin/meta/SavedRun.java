package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.Model;
import java.util.LinkedHashMap;
import java.util.Map;

/** A saved model's run: its settings over {@code base} (all but the number of test episodes), seed and test T. */
record SavedRun(OmniglotFewShot.Settings settings, long seed, int testSteps) {
    static SavedRun of(Experiment experiment, Model model, Map<String, Object> base, boolean maml, String dataset) {
        Map<String, Object> values = new LinkedHashMap<>(base);
        for (ConfigOption option : experiment.options()) {
            Object saved = model.settings().get(option.key());
            // the number of episodes is the evaluation's own setting; everything else defines the model
            if (saved != null && !option.key().equals("test_episodes")) {
                values.put(option.key(), option.accept(saved));
            }
        }
        if (!(model.settings().get(OmniglotFewShot.SEED) instanceof Number seed)
                || !(model.settings().get(OmniglotFewShot.CHOSEN_TEST_T) instanceof Number testSteps)) {
            throw new InvalidInputException("The model has no '" + OmniglotFewShot.SEED + "' or '"
                    + OmniglotFewShot.CHOSEN_TEST_T + "' setting");
        }
        return new SavedRun(OmniglotFewShot.Settings.of(new Config(values), maml, dataset), seed.longValue(),
                testSteps.intValue());
    }
}
