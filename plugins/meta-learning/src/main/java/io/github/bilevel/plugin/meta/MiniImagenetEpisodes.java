package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.task.TravellingTasks;
import io.github.bilevel.data.Checksums;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.miniimagenet.MiniImagenet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;
import java.util.Optional;

/**
 * MiniImagenet's episodes from the official files (Ravi and Larochelle's train, val and test splits): meta-training
 * episodes from train.csv's classes, meta-validation from val.csv's, meta-test from test.csv's. Episodes are decoded
 * when read (a 600-episode meta-test holds 48,000 images), and the dataset has one protocol.
 */
final class MiniImagenetEpisodes implements EpisodeSource {
    static final List<String> SPLITS = List.of("train", "val", "test");

    private final Path dir;
    private final MiniImagenet train;
    private final MiniImagenet validation;
    private final MiniImagenet test;

    private MiniImagenetEpisodes(Path dir, MiniImagenet train, MiniImagenet validation, MiniImagenet test) {
        this.dir = dir;
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /**
     * The three splits in {@code dir}.
     *
     * @throws InvalidInputException without a folder: no copy of MiniImagenet ships with the project
     */
    static MiniImagenetEpisodes open(Optional<Path> dir) throws IOException {
        if (dir.isEmpty()) {
            throw new InvalidInputException("miniimagenet reads the official files: give --data-dir <folder with "
                    + "train.csv, val.csv, test.csv and images/> (no copy of MiniImagenet ships with this project)");
        }
        Path d = dir.get();
        return new MiniImagenetEpisodes(d, MiniImagenet.load(d, "train"), MiniImagenet.load(d, "val"),
                MiniImagenet.load(d, "test"));
    }

    /** The SHA-256 of the listing of the three CSV files (the images themselves are not read for it). */
    String sha256() throws IOException {
        return Checksums.sha256(dir, SPLITS.stream().map(s -> dir.resolve(s + ".csv")).filter(Files::isRegularFile)
                .toList());
    }

    Path dir() {
        return dir;
    }

    @Override
    public int channels() {
        return MiniImagenet.CHANNELS;
    }

    @Override
    public int side() {
        return MiniImagenet.SIDE;
    }

    @Override
    public String summary(OmniglotFewShot.Settings s) {
        return String.format("miniimagenet: %d meta-training, %d validation, %d test classes; %d-way %d-shot, %d "
                        + "queries, T = %d, meta-batch %d", train.classes(), validation.classes(), test.classes(),
                s.ways(), s.shots(), s.queries(), s.steps(), s.metaBatch());
    }

    @Override
    public TravellingTasks tasks(OmniglotFewShot.Settings s, long seed) {
        var recipe = MiniImagenetTasks.recipe(s, seed, dir);
        return new TravellingTasks(recipe, MiniImagenetTasks.tasks(train, recipe));
    }

    @Override
    public List<Episode> validation(OmniglotFewShot.Settings s, long seed, int n) {
        return drawn(validation, s, seed, n);
    }

    @Override
    public List<Episode> test(OmniglotFewShot.Settings s, long seed, int n) {
        return drawn(test, s, seed, n);
    }

    @Override
    public Optional<List<Episode>> authorsTest(OmniglotFewShot.Settings s, long seed, int n) {
        return Optional.empty();
    }

    /** Episode i from the seed {@code seed · 7,919 + i}, as Omniglot's; decoded on each read. */
    private static List<Episode> drawn(MiniImagenet data, OmniglotFewShot.Settings s, long seed, int n) {
        return new AbstractList<>() {
            @Override
            public Episode get(int i) {
                return data.episode(seed * 7_919L + i, s.ways(), s.shots(), s.queries());
            }

            @Override
            public int size() {
                return n;
            }
        };
    }
}
