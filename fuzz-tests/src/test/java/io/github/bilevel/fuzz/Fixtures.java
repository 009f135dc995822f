package io.github.bilevel.fuzz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Small valid data files, drawn with the JDK only: the files beside a fuzzed one, and the seeds ({@link SeedFiles}).
 */
final class Fixtures {
    /** The side of an official Omniglot drawing. */
    static final int OMNIGLOT_SIDE = 105;

    private Fixtures() {
    }

    /** Drawing {@code d} of character {@code c}: a 105×105 one-bit image, white, with a black bar and a dot. */
    static BufferedImage drawing(int c, int d) {
        BufferedImage image = new BufferedImage(OMNIGLOT_SIDE, OMNIGLOT_SIDE, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < OMNIGLOT_SIDE; y++) {
            for (int x = 0; x < OMNIGLOT_SIDE; x++) {
                boolean ink = x >= 10 + 7 * c && x < 40 + 7 * c && y >= 20 + 9 * d && y < 30 + 9 * d
                        || x == 90 && y == 5 + c + d;
                image.setRGB(x, y, ink ? 0x000000 : 0xFFFFFF);
            }
        }
        return image;
    }

    /** A {@code side × side} image of one colour with a white top-left pixel, of BufferedImage type {@code type}. */
    static BufferedImage filled(int side, int rgb, int type) {
        BufferedImage image = new BufferedImage(side, side, type);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, x == 0 && y == 0 ? 0xFFFFFFFF : rgb);
            }
        }
        return image;
    }

    /** The image in {@code format} ("png", "jpeg", "gif", "bmp", "tiff"). */
    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    /**
     * A zip of {@code entries} (path → bytes; a path ending in {@code /} is a folder), STORED (as archivers often keep
     * PNGs, and so that the fuzzer mutates the PNG bytes themselves) or DEFLATED.
     */
    static byte[] zip(Map<String, byte[]> entries, boolean stored) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                byte[] data = e.getValue();
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(data.length);
                    entry.setCompressedSize(data.length);
                    entry.setCrc(crc.getValue());
                }
                out.putNextEntry(entry);
                out.write(data);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Omniglot entries of {@code part}: {@code characters} characters of {@code drawings} drawings each. */
    static Map<String, byte[]> omniglot(String part, String alphabet, int firstId, int characters, int drawings) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int c = 0; c < characters; c++) {
            for (int d = 0; d < drawings; d++) {
                out.put(String.format("%s/%s/character%02d/%04d_%02d.png", part, alphabet, c + 1, firstId + c, d + 1),
                        png(drawing(firstId + c, d)));
            }
        }
        return out;
    }

    /** The evaluation part beside a fuzzed background part: one character, two drawings. */
    static byte[] evaluationZip() {
        return zip(omniglot("images_evaluation", "Omega", 10, 1, 2), false);
    }
}
