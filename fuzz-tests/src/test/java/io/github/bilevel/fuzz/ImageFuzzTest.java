package io.github.bilevel.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.bilevel.data.miniimagenet.MiniImagenet;
import io.github.bilevel.data.omniglot.Omniglot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the image decoding behind the Omniglot and MiniImagenet readers (its class is internal to bilevel-datasets, so
 * through their public API): each input is one image file, read as the only drawing of an Omniglot background folder
 * (grey levels, area averaging onto 28×28) and as the only image of a MiniImagenet split (colour planes, area averaging
 * onto 84×84), under {@link OmniglotFuzzTest#LIMITS}. The decoder is javax.imageio, so the bytes may be a PNG, a
 * JPEG, a GIF, a BMP, a TIFF, … whatever their name says. Both readers must accept the file, or both reject it with a
 * {@link io.github.bilevel.data.DataFormatException} naming it; accepted pixels are in [0, 1]. Anything else is a
 * finding. (javax.imageio is not instrumented: coverage comes from the readers and the resampling.)
 */
class ImageFuzzTest {
    @TempDir
    static Path root;
    private static Path omniglot;
    private static Path drawing;
    private static Path image;
    private static MiniImagenet mini;

    @BeforeAll
    static void layout() throws IOException {
        omniglot = root.resolve("omniglot");
        drawing = omniglot.resolve("images_background/Latin/character01/0001_01.png");
        Files.createDirectories(drawing.getParent());
        Files.write(omniglot.resolve("images_evaluation.zip"), Fixtures.evaluationZip());
        Path dir = root.resolve("miniimagenet");
        image = dir.resolve("images/n0000000100000001.png");
        Files.createDirectories(image.getParent());
        Files.writeString(dir.resolve("test.csv"), "filename,label\n" + image.getFileName() + ",n00000001\n");
        Files.write(image, new byte[0]);
        mini = MiniImagenet.load(dir, "test", OmniglotFuzzTest.LIMITS);
        Files.delete(image);
    }

    @Timeout(10)
    @DictionaryEntries({
        "IHDR", "IDAT", "IEND", "PLTE", "tRNS", "gAMA", "sBIT", "bKGD", "iCCP", "zTXt",
        "\u00ff\u00d8\u00ff", "\u00ff\u00c0", "\u00ff\u00c4", "\u00ff\u00da", "\u00ff\u00db", "\u00ff\u00d9",
        "GIF89a", "BM", "II*\u0000", "MM\u0000*"})
    @FuzzTest
    void decode(byte[] data) throws IOException {
        // new files each time: rewriting one file costs milliseconds on some file systems
        Files.write(drawing, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.write(image, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            Optional<Omniglot> grey = Readers.load(() -> Omniglot.load(omniglot, OmniglotFuzzTest.LIMITS),
                    drawing.toString());
            Optional<float[]> colour = Readers.load(() -> mini.image(0, 0), image.toString());
            assertEquals(grey.isPresent(), colour.isPresent(), "one reader accepted the image, the other did not");
            grey.ifPresent(o -> {
                assertEquals(2, o.characters());
                check(o.image(0, 0), Omniglot.SIDE * Omniglot.SIDE);
            });
            colour.ifPresent(pixels -> check(pixels, MiniImagenet.CHANNELS * MiniImagenet.SIDE * MiniImagenet.SIDE));
        } finally {
            Files.delete(drawing);
            Files.delete(image);
        }
    }

    private static void check(float[] pixels, int length) {
        assertEquals(length, pixels.length);
        for (float v : pixels) {
            assertTrue(v >= 0f && v <= 1f, "value " + v);
        }
    }
}
