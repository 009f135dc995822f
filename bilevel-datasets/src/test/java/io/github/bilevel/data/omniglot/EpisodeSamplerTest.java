package io.github.bilevel.data.omniglot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.Episode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpisodeSamplerTest {
    private static final int F = Omniglot.SIDE * Omniglot.SIDE;
    private static Omniglot data;

    @BeforeAll
    static void fixture(@TempDir Path dir) throws Exception {
        data = Omniglot.load(Fixtures.zips(dir));
    }

    private static float[] row(float[] images, int row) {
        return Arrays.copyOfRange(images, row * F, (row + 1) * F);
    }

    /** The (character, drawing, quarter turns) whose image is {@code image}; fails unless exactly one matches. */
    private static int[] find(float[] image, int[] characters, boolean rotations) {
        int[] found = null;
        for (int c : characters) {
            for (int d = 0; d < data.drawings(c); d++) {
                for (int k = 0; k < (rotations ? 4 : 1); k++) {
                    if (Arrays.equals(image, Fixtures.rot90(data.image(c, d), k))) {
                        assertEquals(null, found, "image matches two drawings");
                        found = new int[] {c, d, k};
                    }
                }
            }
        }
        assertTrue(found != null, "image matches no drawing");
        return found;
    }

    @Test
    void episodesHaveTheDocumentedShapesAndClassMajorLabels() {
        int[] characters = {0, 1, 3, 4};
        EpisodeSampler sampler = new EpisodeSampler(data, characters, false, 3, 2, 1);
        Episode e = sampler.episode(11);
        assertEquals(3, e.ways());
        assertEquals(2, e.shots());
        assertEquals(1, e.queries());
        assertEquals(1, e.channels());
        assertEquals(28, e.side());
        assertEquals(3 * 2 * F, e.support().length);
        assertEquals(3 * F, e.query().length);
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, e.supportLabels());
        assertArrayEquals(new int[] {0, 1, 2}, e.queryLabels());
        // each class is one character; its support and query drawings are distinct drawings of it
        Set<Integer> classes = new HashSet<>();
        for (int label = 0; label < 3; label++) {
            int[] s0 = find(row(e.support(), 2 * label), characters, false);
            int[] s1 = find(row(e.support(), 2 * label + 1), characters, false);
            int[] q = find(row(e.query(), label), characters, false);
            assertEquals(s0[0], s1[0]);
            assertEquals(s0[0], q[0]);
            assertEquals(3, new HashSet<>(List.of(s0[1], s1[1], q[1])).size());
            classes.add(s0[0]);
        }
        assertEquals(3, classes.size());
    }

    @Test
    void episodesAndMetaBatchesArePureFunctionsOfTheSeed() {
        EpisodeSampler sampler = new EpisodeSampler(data, new int[] {0, 1, 2, 3, 4}, true, 5, 1, 2);
        assertSameEpisode(sampler.episode(5), sampler.episode(5));
        assertSameEpisode(sampler.episode(5),
                new EpisodeSampler(data, new int[] {0, 1, 2, 3, 4}, true, 5, 1, 2).episode(5));
        List<Episode> batch = sampler.metaBatch(9, 4);
        List<Episode> again = sampler.metaBatch(9, 6);
        assertEquals(4, batch.size());
        for (int i = 0; i < 4; i++) {
            assertSameEpisode(batch.get(i), again.get(i));
            assertSameEpisode(batch.get(i), sampler.episode(EpisodeSampler.episodeSeed(9, i)));
        }
        assertFalse(Arrays.equals(batch.get(0).support(), batch.get(1).support()));
        assertFalse(Arrays.equals(sampler.metaBatch(10, 1).get(0).support(), batch.get(0).support()));
    }

    static void assertSameEpisode(Episode a, Episode b) {
        assertArrayEquals(a.support(), b.support());
        assertArrayEquals(a.query(), b.query());
        assertArrayEquals(a.supportLabels(), b.supportLabels());
        assertArrayEquals(a.queryLabels(), b.queryLabels());
    }

    @Test
    void differentSeedsGiveDifferentEpisodes() throws Exception {
        Omniglot full = Omniglot.embedded();
        int[] train = full.split(1).train();
        EpisodeSampler sampler = new EpisodeSampler(full, train, true, 20, 1, 5);
        Set<Integer> distinct = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            Episode e = sampler.episode(seed);
            assertEquals(20 * F, e.support().length);
            distinct.add(Arrays.hashCode(e.support()));
        }
        assertEquals(20, distinct.size());
    }

    @Test
    void rotationsTurnEveryDrawingOfAClassCounterClockwise() {
        // one character, four classes: the character at 0, 90, 180 and 270 degrees
        EpisodeSampler sampler = new EpisodeSampler(data, new int[] {2}, true, 4, 2, 2);
        for (long seed = 0; seed < 5; seed++) {
            Episode e = sampler.episode(seed);
            Set<Integer> turns = new HashSet<>();
            for (int label = 0; label < 4; label++) {
                int[] first = find(row(e.support(), 2 * label), new int[] {2}, true);
                turns.add(first[2]);
                assertEquals(first[2], find(row(e.support(), 2 * label + 1), new int[] {2}, true)[2]);
                assertEquals(first[2], find(row(e.query(), 2 * label), new int[] {2}, true)[2]);
                assertEquals(first[2], find(row(e.query(), 2 * label + 1), new int[] {2}, true)[2]);
            }
            assertEquals(Set.of(0, 1, 2, 3), turns);
        }
        // the mapping itself: ink only in the top right corner goes to the top left after a quarter turn
        // counter-clockwise, then to the bottom left, then to the bottom right
        float[] image = new float[F];
        image[27] = 1; // row 0, column 27
        float[] out = new float[4 * F];
        Omniglot corner = new Omniglot(new String[] {"A"}, new String[] {"c"}, new int[] {0, 1}, level(image), 8, 1);
        for (int k = 0; k < 4; k++) {
            corner.copy(0, 0, k, out, k * F);
        }
        assertEquals(1f, out[27]);
        assertEquals(1f, out[F]);
        assertEquals(1f, out[2 * F + 27 * 28]);
        assertEquals(1f, out[3 * F + 27 * 28 + 27]);
        assertEquals(4f, (float) Arrays.stream(box(out)).sum());
    }

    private static byte[] level(float[] image) {
        byte[] out = new byte[image.length];
        for (int i = 0; i < image.length; i++) {
            out[i] = (byte) Math.round(image[i] * 255);
        }
        return out;
    }

    private static double[] box(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    @Test
    void withoutRotationsImagesAreTheDrawingsUnchanged() {
        EpisodeSampler sampler = new EpisodeSampler(data, new int[] {0, 3}, false, 2, 3, 1);
        Episode e = sampler.episode(3);
        for (int r = 0; r < 6; r++) {
            assertEquals(0, find(row(e.support(), r), new int[] {0, 3}, false)[2]);
        }
    }

    @Test
    void tooFewDrawingsOrClassesAreRefusedWhenTheSamplerIsBuilt() {
        DataFormatException few = assertThrows(DataFormatException.class,
                () -> new EpisodeSampler(data, new int[] {0, 2}, false, 2, 3, 2));
        assertEquals("Omniglot character Zeta/character01 (index 0) has 4 drawings, fewer than shots + queries = 5",
                few.getMessage());
        IllegalArgumentException ways = assertThrows(IllegalArgumentException.class,
                () -> new EpisodeSampler(data, new int[] {0, 2}, false, 3, 1, 1));
        assertTrue(ways.getMessage().contains("only 2"), ways.getMessage());
        new EpisodeSampler(data, new int[] {0, 2}, true, 8, 1, 1); // 2 characters × 4 turns
        assertThrows(IllegalArgumentException.class, () -> new EpisodeSampler(data, new int[] {0, 0}, false, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpisodeSampler(data, new int[] {7}, false, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpisodeSampler(data, new int[] {0}, false, 1, 0, 1));
    }

    @Test
    void independentDrawingsMayRepeatASupportImageAmongTheQueriesAndDisjointOnesNever() {
        // character 0 of the fixture has 4 drawings: 2 support and 2 query drawings of it
        int[] characters = {0};
        EpisodeSampler disjoint = new EpisodeSampler(data, characters, false, 1, 2, 2);
        EpisodeSampler independent = new EpisodeSampler(data, characters, false, 1, 2, 2,
                EpisodeSampler.Drawings.INDEPENDENT);
        int shared = 0;
        for (long seed = 0; seed < 20; seed++) {
            Set<Integer> supportDisjoint = drawingsOf(disjoint.episode(seed).support(), characters, 2);
            Set<Integer> queryDisjoint = drawingsOf(disjoint.episode(seed).query(), characters, 2);
            assertTrue(java.util.Collections.disjoint(supportDisjoint, queryDisjoint), "seed " + seed);
            Episode e = independent.episode(seed);
            Set<Integer> support = drawingsOf(e.support(), characters, 2);
            Set<Integer> query = drawingsOf(e.query(), characters, 2);
            assertEquals(2, support.size(), "each set's drawings are distinct");
            assertEquals(2, query.size(), "each set's drawings are distinct");
            assertArrayEquals(new int[] {0, 0}, e.queryLabels());
            shared += support.stream().filter(query::contains).count() > 0 ? 1 : 0;
            assertSameEpisode(e, independent.episode(seed));
        }
        // 2 of 4 drawings for each set: two sets share no drawing with probability 1/6
        assertTrue(shared >= 10, "episodes with a query that is also a support image: " + shared + " of 20");
        // an episode takes max(shots, queries) drawings of a character, not their sum
        new EpisodeSampler(data, characters, false, 1, 3, 4, EpisodeSampler.Drawings.INDEPENDENT);
        DataFormatException few = assertThrows(DataFormatException.class, () -> new EpisodeSampler(data, characters,
                false, 1, 3, 5, EpisodeSampler.Drawings.INDEPENDENT));
        assertEquals("Omniglot character Zeta/character01 (index 0) has 4 drawings, fewer than shots or queries = 5",
                few.getMessage());
    }

    private static Set<Integer> drawingsOf(float[] images, int[] characters, int rows) {
        Set<Integer> out = new HashSet<>();
        for (int r = 0; r < rows; r++) {
            out.add(find(row(images, r), characters, false)[1]);
        }
        return out;
    }
}
