package io.github.bilevel.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.miniimagenet.MiniImagenet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the MiniImagenet reader: each input is a split's CSV, in a folder whose {@code images/} holds three valid
 * images ({@code a.png} 84×84 RGB, {@code b.jpg} 84×84 JPEG, {@code c.png} 42×42 grey), a corrupt PNG
 * ({@code bad.png}), one too wide ({@code wide.png}, 200×8), a file over the size limit ({@code big.png}) and a folder
 * ({@code sub.png}), read under {@link OmniglotFuzzTest#LIMITS}. What loads then draws an episode of up to 3 ways, 1
 * shot and up to 2 queries, which decodes the images it picks (they are decoded lazily), and is asked for an episode
 * that needs one image more than its smallest class holds. Loading and drawing may fail only with a
 * {@link DataFormatException} naming the CSV or an image; the episode too large must fail so, naming the CSV. An
 * episode's pixels are in [0, 1] and its labels match their rows. Anything else is a finding, an
 * {@link java.io.UncheckedIOException} from {@code episode} included: it is documented for an image file that cannot
 * be read, and these files can.
 */
class MiniImagenetFuzzTest {
    @TempDir
    static Path dir;
    private static Path images;
    private static long inputs;

    @BeforeAll
    static void images() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        Files.write(images.resolve("a.png"), Fixtures.png(Fixtures.filled(84, 0x3080C0, BufferedImage.TYPE_INT_RGB)));
        Files.write(images.resolve("b.jpg"),
                Fixtures.encode(Fixtures.filled(84, 0xC04020, BufferedImage.TYPE_INT_RGB), "jpeg"));
        Files.write(images.resolve("c.png"), Fixtures.png(Fixtures.filled(42, 0x606060,
                BufferedImage.TYPE_BYTE_GRAY)));
        byte[] png = Fixtures.png(Fixtures.filled(84, 0x102030, BufferedImage.TYPE_INT_RGB));
        Files.write(images.resolve("bad.png"), Arrays.copyOf(png, png.length / 2));
        BufferedImage wide = new BufferedImage(200, 8, BufferedImage.TYPE_INT_RGB);
        Files.write(images.resolve("wide.png"), Fixtures.png(wide));
        Files.write(images.resolve("big.png"), new byte[(int) OmniglotFuzzTest.LIMITS.maxEntryBytes() + 1]);
        Files.createDirectories(images.resolve("sub.png"));
    }

    @Timeout(10)
    @DictionaryEntries({"filename,label", "a.png", "b.jpg", "c.png", "bad.png", "wide.png", "big.png", "sub.png",
        "missing.png", ",n01", "..", "/", "\\"})
    @FuzzTest
    void csv(byte[] data) throws IOException {
        String split = "s" + inputs++;
        Path csv = Files.write(dir.resolve(split + ".csv"), data);
        String[] names = {csv.toString(), images.toString()};
        try {
            Optional<MiniImagenet> read = Readers.load(
                    () -> MiniImagenet.load(dir, split, OmniglotFuzzTest.LIMITS), names);
            if (read.isEmpty()) {
                return;
            }
            MiniImagenet mini = read.get();
            int smallest = Integer.MAX_VALUE;
            int total = 0;
            for (int c = 0; c < mini.classes(); c++) {
                String label = mini.label(c);
                assertFalse(label.isEmpty() || !label.equals(label.strip()) || label.contains(","),
                        "label '" + label + "'");
                assertTrue(mini.size(c) >= 1, "class " + label + " is empty");
                smallest = Math.min(smallest, mini.size(c));
                total += mini.size(c);
            }
            assertTrue(mini.classes() >= 1 && total <= data.length / 4, total + " images from " + data.length
                    + " bytes");
            int ways = Math.min(3, mini.classes());
            int queries = Math.min(2, smallest - 1);
            long seed = Arrays.hashCode(data);
            Readers.load(() -> mini.episode(seed, ways, 1, queries), names).ifPresent(e -> check(e, ways, queries));
            int queriesTooMany = smallest;
            DataFormatException e = assertThrows(DataFormatException.class,
                    () -> mini.episode(seed, ways, 1, queriesTooMany),
                    "one image more than the smallest class holds");
            assertTrue(e.getMessage().contains(csv.toString()), e.getMessage());
        } finally {
            Files.delete(csv);
        }
    }

    private static void check(Episode e, int ways, int queries) {
        int f = MiniImagenet.CHANNELS * MiniImagenet.SIDE * MiniImagenet.SIDE;
        assertEquals(f, e.features());
        assertEquals((long) ways * f, e.support().length);
        assertEquals((long) ways * queries * f, e.query().length);
        for (int i = 0; i < ways; i++) {
            assertEquals(i, e.supportLabels()[i]);
        }
        for (int i = 0; i < ways * queries; i++) {
            assertEquals(i / queries, e.queryLabels()[i]);
        }
        for (float[] pixels : new float[][] {e.support(), e.query()}) {
            for (float v : pixels) {
                assertTrue(v >= 0f && v <= 1f, "value " + v);
            }
        }
    }
}
