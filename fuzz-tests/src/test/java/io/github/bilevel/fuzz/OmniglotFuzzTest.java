package io.github.bilevel.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.bilevel.data.ReadLimits;
import io.github.bilevel.data.omniglot.Omniglot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the Omniglot reader of the official zips: each input is {@code images_background.zip}, beside a small valid
 * {@code images_evaluation.zip} (one character, two drawings), read under small {@link ReadLimits}. The reader either
 * rejects it with a {@link io.github.bilevel.data.DataFormatException} naming the zip (or an entry in it), or returns
 * at least one background character, the evaluation character last, and 28×28 images with values in [0, 1]; anything
 * else (another exception, running out of memory, a hang) is a finding. The zip's entries reach the image decoder
 * ({@code ImageFuzzTest} fuzzes it on its own).
 */
class OmniglotFuzzTest {
    /** 64 KiB an entry, 1 MiB in all, 64 entries, 128 pixels a side: a hostile zip cannot cost much. */
    static final ReadLimits LIMITS = new ReadLimits(64 << 10, 1 << 20, 64, 128);
    private static final byte[] EVALUATION = Fixtures.evaluationZip();

    @TempDir
    static Path root;

    @Timeout(10)
    @DictionaryEntries({
        "PK\u0003\u0004", "PK\u0001\u0002", "PK\u0005\u0006", "PK\u0006\u0006", "PK\u0007\u0008",
        "images_background/", "images_evaluation/", "character01/", "0001_01.png", ".PNG", "../", "..\\", "C:",
        "IHDR", "IDAT", "IEND", "PLTE", "tRNS"})
    @FuzzTest
    void zip(byte[] data) throws IOException {
        // a fresh folder each time: rewriting one file costs milliseconds on some file systems
        Path dir = Files.createTempDirectory(root, "omniglot");
        Path background = Files.write(dir.resolve("images_background.zip"), data);
        Path evaluation = Files.write(dir.resolve("images_evaluation.zip"), EVALUATION);
        try {
            Optional<Omniglot> read = Readers.load(() -> Omniglot.load(dir, LIMITS), background.toString());
            read.ifPresent(OmniglotFuzzTest::check);
        } finally {
            Files.delete(background);
            Files.delete(evaluation);
            Files.delete(dir);
        }
    }

    private static void check(Omniglot omniglot) {
        int background = omniglot.backgroundCharacters();
        assertTrue(background >= 1, "no background character");
        assertEquals(background + 1, omniglot.characters(), "characters besides the one evaluation character");
        assertEquals("Omega/character01", omniglot.name(background));
        assertEquals(2, omniglot.drawings(background));
        assertEquals(8, omniglot.bits());
        int images = 0;
        for (int c = 0; c < omniglot.characters(); c++) {
            int drawings = omniglot.drawings(c);
            assertTrue(drawings >= 1, "character " + c + " without drawings");
            images += drawings;
            for (int d = 0; d < drawings; d++) {
                float[] image = omniglot.image(c, d);
                assertEquals(Omniglot.SIDE * Omniglot.SIDE, image.length);
                for (float v : image) {
                    assertTrue(v >= 0f && v <= 1f, "value " + v);
                }
            }
        }
        assertTrue(images <= LIMITS.maxEntries() + 2, images + " images from at most " + LIMITS.maxEntries()
                + " entries");
    }
}
