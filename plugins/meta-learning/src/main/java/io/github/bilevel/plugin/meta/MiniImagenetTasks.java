package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.Problem;
import io.github.bilevel.api.task.TaskFactory;
import io.github.bilevel.api.task.TaskRecipe;
import io.github.bilevel.api.task.TaskSource;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.miniimagenet.MiniImagenet;
import io.github.bilevel.data.omniglot.EpisodeSampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The meta-training episodes of {@code miniimagenet} as tasks that travel: the recipe of {@link OmniglotTasks} with
 * the data folder, which must exist at the same path wherever tasks run; the meta-batch of iteration k draws its
 * episodes from the seeds {@code EpisodeSampler.episodeSeed(seed · 1,000,003 + k, j)} over train.csv's classes.
 */
public final class MiniImagenetTasks implements TaskFactory {
    public static final String ID = "miniimagenet-episodes";

    @Override
    public String id() {
        return ID;
    }

    static TaskRecipe recipe(OmniglotFewShot.Settings s, long seed, Path dataDir) {
        Map<String, String> m = new TreeMap<>(OmniglotTasks.recipe(s, seed, java.util.Optional.empty()).settings());
        m.put("data_dir", dataDir.toAbsolutePath().toString());
        return new TaskRecipe(ID, seed, m);
    }

    @Override
    public TaskSource open(TaskRecipe recipe) {
        try {
            return tasks(MiniImagenet.load(Path.of(recipe.get("data_dir")), "train"), recipe);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the MiniImagenet data of task recipe " + recipe + ": "
                    + e.getMessage(), e);
        }
    }

    static TaskSource tasks(MiniImagenet train, TaskRecipe recipe) {
        long seed = recipe.seed();
        int ways = recipe.getInt("ways");
        int shots = recipe.getInt("shots");
        int queries = recipe.getInt("queries");
        int metaBatch = recipe.getInt("meta_batch");
        var problems = OmniglotTasks.problems(recipe, MiniImagenet.CHANNELS, MiniImagenet.SIDE);
        return k -> {
            List<Problem> batch = new ArrayList<>();
            for (int j = 0; j < metaBatch; j++) {
                Episode e = train.episode(EpisodeSampler.episodeSeed(seed * 1_000_003L + k, j), ways, shots, queries);
                batch.add(problems.apply(e));
            }
            return batch;
        };
    }
}
