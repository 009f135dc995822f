package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.task.TravellingTasks;
import io.github.bilevel.data.Episode;
import java.util.List;
import java.util.Optional;

/**
 * Where a few-shot experiment's episodes come from: the meta-training tasks, and the meta-validation and meta-test
 * episodes of the classes held out for each. Episode lists may draw each episode when it is read (images decoded from
 * files), so a list is read once, in order.
 */
interface EpisodeSource {

    /** Colour channels and side of the square images. */
    int channels();

    int side();

    /** One line for the log: classes per split and the episode shape. */
    String summary(OmniglotFewShot.Settings s);

    /** The meta-training tasks as data that can travel to a cluster, with the local way to build them. */
    TravellingTasks tasks(OmniglotFewShot.Settings s, long seed);

    /** {@code n} meta-validation episodes drawn from {@code seed}. */
    List<Episode> validation(OmniglotFewShot.Settings s, long seed, int n);

    /** {@code n} meta-test episodes drawn from {@code seed}, this project's protocol. */
    List<Episode> test(OmniglotFewShot.Settings s, long seed, int n);

    /** The same under the authors' protocol, where the dataset has one of its own. */
    Optional<List<Episode>> authorsTest(OmniglotFewShot.Settings s, long seed, int n);
}
