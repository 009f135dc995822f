package io.github.bilevel.data.omniglot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OmniglotTest {

    @Test
    void readsTheOfficialLayoutFromZipsAndFromFolders(@TempDir Path zips, @TempDir Path folders) throws Exception {
        Omniglot a = Omniglot.load(Fixtures.zips(zips));
        Omniglot b = Omniglot.load(Fixtures.folders(folders));
        assertEquals(5, a.characters());
        assertEquals(3, a.backgroundCharacters());
        assertEquals(8, a.bits());
        // ordered by the official id in the file names, not by alphabet name
        String[] names = {"Zeta/character01", "Zeta/character02", "Alpha/character01", "Omega/character01",
            "Omega/character02"};
        for (int c = 0; c < 5; c++) {
            assertEquals(names[c], a.name(c));
            assertEquals(names[c], b.name(c));
            assertEquals(Fixtures.DRAWINGS, a.drawings(c));
            for (int d = 0; d < Fixtures.DRAWINGS; d++) {
                float[] image = a.image(c, d);
                assertEquals(Omniglot.SIDE * Omniglot.SIDE, image.length);
                assertArrayEquals(image, b.image(c, d));
                assertArrayEquals(image, reduce(Fixtures.drawing(c, d)), "character " + c + " drawing " + d);
            }
        }
        assertEquals("Alpha", a.alphabet(2));
        // image() hands out copies
        a.image(0, 0)[0] = 42;
        assertNotEquals(42f, a.image(0, 0)[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> a.image(5, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> a.image(0, Fixtures.DRAWINGS));
    }

    private static float[] reduce(BufferedImage image) {
        byte[] codes = Omniglot.reduce(image);
        float[] out = new float[codes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (codes[i] & 0xff) / 255f;
        }
        return out;
    }

    @Test
    void areaAveragingGivesTheInkFractionOfEachSquare() {
        int s = Omniglot.SIDE;
        // columns 0..3 inked: output column 0 covers [0, 3.75) (all ink), column 1 covers [3.75, 7.5) (a quarter pixel
        // of ink in 3.75: 1/15, 17/255 as 8-bit)
        float[] left = reduce(Fixtures.binary((x, y) -> x < 4));
        for (int y = 0; y < s; y++) {
            assertEquals(1f, left[y * s]);
            assertEquals(17 / 255f, left[y * s + 1]);
            assertEquals(0f, left[y * s + 2]);
        }
        // one ink pixel at (0, 0): 1 / 3.75² = 0.0711 of output pixel (0, 0), round(18.13) = 18
        float[] dot = reduce(Fixtures.binary((x, y) -> x == 0 && y == 0));
        assertEquals(18 / 255f, dot[0]);
        assertEquals(18 / 255f, (float) IntStream.range(0, dot.length).mapToDouble(i -> dot[i]).sum());
        float[] full = reduce(Fixtures.binary((x, y) -> true));
        float[] blank = reduce(Fixtures.binary((x, y) -> false));
        for (int i = 0; i < full.length; i++) {
            assertEquals(1f, full[i]);
            assertEquals(0f, blank[i]);
        }
        // a checkerboard is about half ink in every square
        float[] checker = reduce(Fixtures.binary((x, y) -> (x + y) % 2 == 0));
        for (float v : checker) {
            assertTrue(v > 0.45f && v < 0.55f, String.valueOf(v));
        }
        // other sizes and grey images: a 56×56 grey image averages 2×2 blocks of darkness
        BufferedImage grey = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                grey.getRaster().setSample(x, y, 0, x == 0 && y == 0 ? 0 : x == 2 && y < 2 ? 155 : 255);
            }
        }
        float[] g = reduce(grey);
        assertEquals(64 / 255f, g[0]); // 255/4 = 63.75
        assertEquals(50 / 255f, g[1]); // 2·100/4
        assertEquals(0f, g[2]);
    }

    @Test
    void quantizationRoundsLevelsHalfUp(@TempDir Path dir) throws Exception {
        Omniglot data = Omniglot.load(Fixtures.zips(dir));
        assertSame(data, data.quantized(8));
        Omniglot four = data.quantized(4);
        Omniglot one = data.quantized(1);
        assertEquals(4, four.bits());
        assertThrows(IllegalArgumentException.class, () -> four.quantized(8));
        assertThrows(IllegalArgumentException.class, () -> data.quantized(3));
        for (int p = 0; p < Omniglot.SIDE * Omniglot.SIDE; p++) {
            int code = data.level(0, 0, p);
            assertEquals((30 * code + 255) / 510, four.level(0, 0, p));
            assertEquals(code >= 128 ? 1 : 0, one.level(0, 0, p));
            assertEquals(four.level(0, 0, p) / 15f, four.image(0, 0)[p]);
        }
        assertEquals(data.quantized(4).quantized(1).level(1, 1, 100), data.quantized(1).level(1, 1, 100));
    }

    @Test
    void splitsAreProportionalDisjointAndDeterministic(@TempDir Path dir) throws Exception {
        Omniglot data = Omniglot.load(Fixtures.zips(dir));
        Split s = data.split(7);
        assertEquals(4, s.train().length); // round(5·1200/1623) = round(3.7)
        assertEquals(0, s.validation().length); // round(0.31)
        assertEquals(1, s.test().length);
        assertCovers(s, 5);
        assertArrayEquals(s.train(), data.split(7).train());
    }

    static void assertCovers(Split s, int characters) {
        BitSet seen = new BitSet();
        for (int[] part : new int[][] {s.train(), s.validation(), s.test()}) {
            for (int i = 0; i < part.length; i++) {
                assertFalse(seen.get(part[i]), "character " + part[i] + " twice");
                seen.set(part[i]);
                assertTrue(i == 0 || part[i - 1] < part[i], "not ascending");
            }
        }
        assertEquals(characters, seen.cardinality());
        assertEquals(characters, seen.length());
    }

    @Test
    void embeddedCopyHoldsEveryCharacterAndDrawing() throws Exception {
        Omniglot data = Omniglot.embedded();
        assertSame(data, Omniglot.embedded());
        assertEquals(1623, data.characters());
        assertEquals(964, data.backgroundCharacters());
        assertEquals(Omniglot.EMBEDDED_BITS, data.bits());
        assertEquals("Arcadian/character01", data.name(0));
        assertEquals("Angelic/character01", data.name(964));
        long alphabets = IntStream.range(0, 1623).mapToObj(data::alphabet).distinct().count();
        assertEquals(50, alphabets);
        double ink = 0;
        long background = 0;
        long pixels = 0;
        for (int c = 0; c < data.characters(); c++) {
            assertEquals(20, data.drawings(c));
            for (int d = 0; d < 20; d++) {
                float[] image = data.image(c, d);
                float max = 0;
                for (float v : image) {
                    ink += v;
                    background += v == 0 ? 1 : 0;
                    max = Math.max(max, v);
                }
                pixels += image.length;
                assertTrue(max > 0.5f, data.name(c) + " drawing " + d + " has no ink");
            }
        }
        // the full set: mean ink 0.0805, 86% of the pixels without any ink
        assertEquals(0.0805, ink / pixels, 0.001);
        assertEquals(0.861, (double) background / pixels, 0.005);
        Split s = data.split(2018);
        assertEquals(1200, s.train().length);
        assertEquals(100, s.validation().length);
        assertEquals(323, s.test().length);
        assertCovers(s, 1623);
        assertArrayEquals(s.test(), data.split(2018).test());
        assertFalse(Arrays.equals(s.test(), data.split(2019).test()));
    }
}
