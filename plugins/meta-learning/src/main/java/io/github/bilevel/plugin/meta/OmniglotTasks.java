package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.Problem;
import io.github.bilevel.api.task.TaskSource;
import io.github.bilevel.api.task.TaskFactory;
import io.github.bilevel.api.task.TaskRecipe;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.omniglot.EpisodeSampler;
import io.github.bilevel.data.omniglot.Omniglot;
import io.github.bilevel.data.omniglot.Split;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The meta-training episodes of {@code omniglot} and {@code omniglot-maml} as tasks that travel: a recipe (ways,
 * shots, queries, meta-batch, the network's filters, layers and batch normalization, the model when MAML's, the seed,
 * and the data folder when not the embedded copy) rebuilds, in
 * any JVM, the meta-batch of iteration k: episodes drawn from the seed {@code seed · 1,000,003 + k} over the
 * meta-training characters of the seed's split. A data folder must exist at the same path wherever tasks run.
 */
public final class OmniglotTasks implements TaskFactory {
    public static final String ID = "omniglot-episodes";
    /** The recipe's {@code model} for MAML's episodes; absent: the hyper-representation's. */
    static final String MAML = "maml";

    @Override
    public String id() {
        return ID;
    }

    /** The recipe of a run's meta-training tasks. */
    static TaskRecipe recipe(OmniglotFewShot.Settings s, long seed, Optional<Path> dataDir) {
        Map<String, String> m = new TreeMap<>();
        m.put("ways", String.valueOf(s.ways()));
        m.put("shots", String.valueOf(s.shots()));
        m.put("queries", String.valueOf(s.queries()));
        m.put("meta_batch", String.valueOf(s.metaBatch()));
        m.put("filters", String.valueOf(s.filters()));
        m.put("layers", String.valueOf(s.layers()));
        m.put("bn_scale", String.valueOf(s.bnScale()));
        m.put("bn_per_set", String.valueOf(s.perSetStatistics()));
        if (s.maml()) {
            m.put("model", MAML);
        }
        dataDir.ifPresent(d -> m.put("data_dir", d.toAbsolutePath().toString()));
        return new TaskRecipe(ID, seed, m);
    }

    @Override
    public TaskSource open(TaskRecipe recipe) {
        Omniglot data;
        try {
            data = recipe.settings().containsKey("data_dir") ? Omniglot.load(Path.of(recipe.get("data_dir")))
                    : Omniglot.embedded();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Omniglot data of task recipe " + recipe + ": "
                    + e.getMessage(), e);
        }
        return tasks(data, recipe);
    }

    /** The tasks of {@code recipe} on data already loaded (the experiment's own copy). */
    static TaskSource tasks(Omniglot data, TaskRecipe recipe) {
        long seed = recipe.seed();
        int metaBatch = recipe.getInt("meta_batch");
        Split split = data.split(seed);
        EpisodeSampler train = new EpisodeSampler(data, split.train(), true, recipe.getInt("ways"),
                recipe.getInt("shots"), recipe.getInt("queries"));
        java.util.function.Function<Episode, Problem> problems = problems(recipe, 1, Omniglot.SIDE);
        // Episodes of iteration k come from a seed derived from (seed, k) alone, so a resumed run draws the same ones.
        return k -> {
            List<Problem> batch = new ArrayList<>();
            for (Episode e : train.metaBatch(seed * 1_000_003L + k, metaBatch)) {
                batch.add(problems.apply(e));
            }
            return batch;
        };
    }

    /** An episode's problem as the recipe describes it, for images of {@code channels} × {@code side} × {@code side}. */
    static java.util.function.Function<Episode, Problem> problems(TaskRecipe recipe, int channels, int side) {
        // recipes written before batch normalization had settings: learned scales, stacked statistics
        boolean scale = !"false".equals(recipe.settings().get("bn_scale"));
        boolean perSet = "true".equals(recipe.settings().get("bn_per_set"));
        ConvRepresentation rep = new ConvRepresentation(channels, side, recipe.getInt("filters"),
                recipe.getInt("layers"), representationSeed(recipe.seed()), scale);
        if (MAML.equals(recipe.settings().get("model"))) {
            MamlProblem.Network maml = new MamlProblem.Network(rep, recipe.getInt("ways"));
            return e -> new MamlProblem(maml, e);
        }
        return e -> new EpisodeProblem(rep, e, perSet);
    }

    /** The seed of the representation's initial filters. */
    static long representationSeed(long seed) {
        return seed + 17;
    }
}
