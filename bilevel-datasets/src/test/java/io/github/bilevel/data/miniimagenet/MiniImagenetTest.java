package io.github.bilevel.data.miniimagenet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.Episode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MiniImagenetTest {
    private static final int F = 3 * 84 * 84;
    private static final String[] LABELS = {"n01532829", "n01558993", "n01704323"};

    /** The colour of image {@code i} of class {@code c}: distinct for every image. */
    private static int colour(int c, int i) {
        return (40 + 60 * c) << 16 | (10 + 30 * i) << 8 | 200 - 20 * c;
    }

    /**
     * Three classes of four images each: PNGs of one colour with a white top-left pixel, class 1's second image a
     * 42×42 PNG (resized), class 2's images JPEG.
     */
    private static Path fixture(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        StringBuilder csv = new StringBuilder("filename,label\n");
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                boolean jpeg = c == 2;
                int side = c == 1 && i == 1 ? 42 : 84;
                BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        image.setRGB(x, y, x == 0 && y == 0 ? 0xFFFFFF : colour(c, i));
                    }
                }
                String name = LABELS[c] + String.format("%08d", i) + (jpeg ? ".jpg" : ".png");
                assertTrue(ImageIO.write(image, jpeg ? "jpeg" : "png", dir.resolve("images").resolve(name).toFile()));
                csv.append(name).append(',').append(LABELS[c]).append('\n');
            }
        }
        Files.writeString(dir.resolve("train.csv"), csv);
        return dir;
    }

    @Test
    void readsTheCsvAndTheImages(@TempDir Path dir) throws Exception {
        MiniImagenet data = MiniImagenet.load(fixture(dir), "train");
        assertEquals(3, data.classes());
        for (int c = 0; c < 3; c++) {
            assertEquals(LABELS[c], data.label(c));
            assertEquals(4, data.size(c));
        }
        float[] png = data.image(0, 2);
        assertEquals(F, png.length);
        int rgb = colour(0, 2);
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(1f, png[ch * 84 * 84]);
            assertEquals((rgb >> 16 - 8 * ch & 0xff) / 255f, png[ch * 84 * 84 + 1]);
            assertEquals((rgb >> 16 - 8 * ch & 0xff) / 255f, png[ch * 84 * 84 + 84 * 84 - 1]);
        }
        // 42×42 → 84×84: each source pixel becomes a 2×2 block
        float[] small = data.image(1, 1);
        int c11 = colour(1, 1);
        for (int ch = 0; ch < 3; ch++) {
            int base = ch * 84 * 84;
            assertEquals(1f, small[base]);
            assertEquals(1f, small[base + 1]);
            assertEquals(1f, small[base + 84]);
            assertEquals(1f, small[base + 85]);
            assertEquals((c11 >> 16 - 8 * ch & 0xff) / 255f, small[base + 2], 1e-6f);
        }
        // JPEG: lossy, but close to the colour away from the white corner
        float[] jpeg = data.image(2, 0);
        int c20 = colour(2, 0);
        for (int ch = 0; ch < 3; ch++) {
            assertEquals((c20 >> 16 - 8 * ch & 0xff) / 255f, jpeg[ch * 84 * 84 + 40 * 84 + 40], 0.05f);
        }
    }

    @Test
    void episodesHaveTheDocumentedShapesAndArePureFunctionsOfTheSeed(@TempDir Path dir) throws Exception {
        MiniImagenet data = MiniImagenet.load(fixture(dir), "train");
        Episode e = data.episode(4, 2, 1, 3);
        assertEquals(3, e.channels());
        assertEquals(84, e.side());
        assertEquals(2 * F, e.support().length);
        assertEquals(6 * F, e.query().length);
        assertArrayEquals(new int[] {0, 1}, e.supportLabels());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, e.queryLabels());
        for (float v : e.query()) {
            assertTrue(v >= 0 && v <= 1);
        }
        // every row is one of the class's images, all four distinct
        List<float[]> all = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                all.add(data.image(c, i));
            }
        }
        for (int label = 0; label < 2; label++) {
            Set<Integer> seen = new HashSet<>();
            int cls = -1;
            for (int r = -1; r < 3; r++) {
                float[] row = r < 0 ? Arrays.copyOfRange(e.support(), label * F, (label + 1) * F)
                        : Arrays.copyOfRange(e.query(), (label * 3 + r) * F, (label * 3 + r + 1) * F);
                int match = -1;
                for (int k = 0; k < all.size(); k++) {
                    if (Arrays.equals(row, all.get(k))) {
                        match = k;
                    }
                }
                assertTrue(match >= 0);
                assertTrue(cls < 0 || cls == match / 4);
                cls = match / 4;
                seen.add(match);
            }
            assertEquals(4, seen.size());
        }
        Episode again = data.episode(4, 2, 1, 3);
        assertArrayEquals(e.support(), again.support());
        assertArrayEquals(e.query(), again.query());
        Set<Integer> distinct = new HashSet<>();
        for (long seed = 0; seed < 6; seed++) {
            distinct.add(Arrays.hashCode(data.episode(seed, 3, 1, 1).support()));
        }
        assertTrue(distinct.size() >= 5, "6 seeds gave " + distinct.size() + " distinct episodes");
    }

    private static DataFormatException refusedCsv(Path dir, String csv) throws Exception {
        Files.writeString(dir.resolve("bad.csv"), csv);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MiniImagenet.load(dir, "bad"));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e;
    }

    @Test
    void malformedCsvRowsAreNamed(@TempDir Path dir) throws Exception {
        fixture(dir);
        String good = "n0153282900000000.png,n01532829\n";
        Path csv = dir.resolve("bad.csv");
        assertEquals(csv + " row 3: expected 'filename,label' but found 3 fields in 'a.png,n1,extra'",
                refusedCsv(dir, "filename,label\n" + good + "a.png,n1,extra\n").getMessage());
        assertEquals(csv + " row 2: expected 'filename,label' but found 1 fields in 'lonely'",
                refusedCsv(dir, "filename,label\nlonely\n").getMessage());
        assertEquals(csv + " row 3: empty label in 'n0153282900000000.png,'",
                refusedCsv(dir, "filename,label\n\nn0153282900000000.png,\n").getMessage());
        assertTrue(refusedCsv(dir, "filename,label\n../train.csv,n1\n").getMessage()
                .startsWith(csv + " row 2: filename '../train.csv' must be a plain file name"));
        assertTrue(refusedCsv(dir, "filename,label\nmissing.jpg,n1\n").getMessage()
                .matches(".*row 2: image .*missing.jpg not found"));
        assertEquals(csv + " row 1: expected the header 'filename,label' but found 'file,class'",
                refusedCsv(dir, "file,class\n" + good).getMessage());
        // where file names are ASCII (the C locale) this name cannot be a path; elsewhere there is no such file
        assertTrue(refusedCsv(dir, "filename,label\ncaf\u00e9.png,n1\n").getMessage().matches(
                ".*row 2: (image .*caf\u00e9.png not found|filename 'caf\u00e9.png' cannot name a file here .*)"));
        assertEquals(csv + ": no images listed", refusedCsv(dir, "filename,label\n").getMessage());
        DataFormatException missing = assertThrows(DataFormatException.class,
                () -> MiniImagenet.load(dir, "val"));
        assertEquals("MiniImagenet: " + dir.resolve("val.csv") + " not found", missing.getMessage());
    }

    @Test
    void tooFewImagesOrACorruptImageAreNamedWhenAnEpisodeIsDrawn(@TempDir Path dir) throws Exception {
        MiniImagenet data = MiniImagenet.load(fixture(dir), "train");
        DataFormatException few = assertThrows(DataFormatException.class, () -> data.episode(0, 2, 2, 3));
        assertEquals("MiniImagenet class n01532829 in " + dir.resolve("train.csv")
                + " has 4 images, fewer than shots + queries = 5", few.getMessage());
        assertThrows(IllegalArgumentException.class, () -> data.episode(0, 4, 1, 1));
        Path broken = dir.resolve("images/n0155899300000002.png");
        Files.write(broken, Arrays.copyOf(Files.readAllBytes(broken), 60));
        DataFormatException corrupt = assertThrows(DataFormatException.class, () -> {
            for (long seed = 0; seed < 50; seed++) {
                data.episode(seed, 3, 4, 0); // every image of every class
            }
        });
        assertTrue(corrupt.getMessage().startsWith(broken + ": corrupt image"), corrupt.getMessage());
        assertFalse(corrupt.getMessage().contains("\n"));
    }
}
