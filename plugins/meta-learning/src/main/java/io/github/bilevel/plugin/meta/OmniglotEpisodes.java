package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.task.TravellingTasks;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.omniglot.EpisodeSampler;
import io.github.bilevel.data.omniglot.Omniglot;
import io.github.bilevel.data.omniglot.Split;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Omniglot's episodes: the characters of the seed's split, meta-training characters quadrupled by rotations; test
 * episodes without rotations and with disjoint support and query drawings, and under the authors' protocol with the
 * test characters × 4 rotations and support and query drawn independently.
 */
final class OmniglotEpisodes implements EpisodeSource {
    private final Omniglot data;
    private final Split split;
    private final Optional<Path> dataDir;

    OmniglotEpisodes(Omniglot data, long splitSeed, Optional<Path> dataDir) {
        this.data = data;
        this.split = data.split(splitSeed);
        this.dataDir = dataDir;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int side() {
        return Omniglot.SIDE;
    }

    @Override
    public String summary(OmniglotFewShot.Settings s) {
        return String.format("omniglot: %d characters (%d meta-training with rotations, %d validation, %d test); "
                        + "%d-way %d-shot, %d queries, T = %d, meta-batch %d", data.characters(), split.train().length,
                split.validation().length, split.test().length, s.ways(), s.shots(), s.queries(), s.steps(),
                s.metaBatch());
    }

    @Override
    public TravellingTasks tasks(OmniglotFewShot.Settings s, long seed) {
        var recipe = OmniglotTasks.recipe(s, seed, dataDir);
        return new TravellingTasks(recipe, OmniglotTasks.tasks(data, recipe));
    }

    @Override
    public List<Episode> validation(OmniglotFewShot.Settings s, long seed, int n) {
        return FewShotEvaluation.episodes(new EpisodeSampler(data, split.validation(), false, s.ways(), s.shots(),
                s.queries()), seed, n);
    }

    @Override
    public List<Episode> test(OmniglotFewShot.Settings s, long seed, int n) {
        return FewShotEvaluation.episodes(new EpisodeSampler(data, split.test(), false, s.ways(), s.shots(),
                s.queries()), seed, n);
    }

    @Override
    public Optional<List<Episode>> authorsTest(OmniglotFewShot.Settings s, long seed, int n) {
        return Optional.of(FewShotEvaluation.episodes(new EpisodeSampler(data, split.test(), true, s.ways(), s.shots(),
                s.queries(), EpisodeSampler.Drawings.INDEPENDENT), seed, n));
    }
}
