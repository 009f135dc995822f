package io.github.bilevel.data.omniglot;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Tiny Omniglot trees in the official layout, drawn in the tests. */
final class Fixtures {
    static final int SRC = 105;
    static final int DRAWINGS = 4;

    /** Characters of the fixture: part, alphabet, character folder, official id. */
    record Char(String part, String alphabet, String folder, int id) {
        String path(int drawing) {
            return String.format("%s/%s/%s/%04d_%02d.png", part, alphabet, folder, id, drawing + 1);
        }
    }

    /** Two background alphabets whose id order differs from their name order, one evaluation alphabet. */
    static final Char[] CHARS = {
        new Char(Omniglot.BACKGROUND, "Zeta", "character01", 1),
        new Char(Omniglot.BACKGROUND, "Zeta", "character02", 2),
        new Char(Omniglot.BACKGROUND, "Alpha", "character01", 3),
        new Char(Omniglot.EVALUATION, "Omega", "character01", 4),
        new Char(Omniglot.EVALUATION, "Omega", "character02", 5),
    };

    private Fixtures() {
    }

    /** A 105×105 one-bit image, white, with ink (black) where {@code ink.test(x, y)}. */
    static BufferedImage binary(Ink ink) {
        BufferedImage image = new BufferedImage(SRC, SRC, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < SRC; y++) {
            for (int x = 0; x < SRC; x++) {
                image.setRGB(x, y, ink.test(x, y) ? 0x000000 : 0xFFFFFF);
            }
        }
        return image;
    }

    @FunctionalInterface
    interface Ink {
        boolean test(int x, int y);
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Drawing {@code d} of fixture character {@code c}: a filled rectangle whose place and size depend on both, so
     * every drawing differs and none is symmetric.
     */
    static BufferedImage drawing(int c, int d) {
        int x0 = 5 + 9 * c;
        int y0 = 3 + 11 * d;
        int w = 20 + 3 * d;
        int h = 8 + 2 * c;
        return binary((x, y) -> x >= x0 && x < x0 + w && y >= y0 && y < y0 + h || x == 100 && y < 10 + c + d);
    }

    /** Every entry of the fixture, path → PNG bytes. */
    static Map<String, byte[]> entries() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int c = 0; c < CHARS.length; c++) {
            for (int d = 0; d < DRAWINGS; d++) {
                out.put(CHARS[c].path(d), png(drawing(c, d)));
            }
        }
        return out;
    }

    /** Writes {@code images_background.zip} and {@code images_evaluation.zip} into {@code dir}. */
    static Path zips(Path dir) throws IOException {
        Map<String, byte[]> entries = entries();
        for (String part : new String[] {Omniglot.BACKGROUND, Omniglot.EVALUATION}) {
            Map<String, byte[]> mine = new LinkedHashMap<>();
            entries.forEach((k, v) -> {
                if (k.startsWith(part + "/")) {
                    mine.put(k, v);
                }
            });
            zip(dir.resolve(part + ".zip"), mine);
        }
        return dir;
    }

    /** Writes the folders {@code images_background} and {@code images_evaluation} into {@code dir}. */
    static Path folders(Path dir) throws IOException {
        for (Map.Entry<String, byte[]> e : entries().entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
        return dir;
    }

    static void zip(Path zip, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
    }

    /** The image turned {@code k} quarter turns counter-clockwise, as numpy.rot90: a reference for the tests. */
    static float[] rot90(float[] in, int k) {
        int s = Omniglot.SIDE;
        float[] out = in.clone();
        for (int t = 0; t < k; t++) {
            float[] next = new float[out.length];
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    next[i * s + j] = out[j * s + s - 1 - i];
                }
            }
            out = next;
        }
        return out;
    }
}
