package io.github.bilevel.fuzz;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes the seed inputs of {@link OmniglotFuzzTest}, {@link ImageFuzzTest} and {@link MiniImagenetFuzzTest} under
 * the folder given as the argument (the module's {@code src/test/resources}). They are committed; this program is
 * how they were made: {@code java -cp fuzz-tests/target/test-classes io.github.bilevel.fuzz.SeedFiles
 * fuzz-tests/src/test/resources}.
 */
public final class SeedFiles {
    private SeedFiles() {
    }

    public static void main(String[] args) throws IOException {
        Path base = Path.of(args[0]).resolve("io/github/bilevel/fuzz");
        omniglot(Files.createDirectories(base.resolve("OmniglotFuzzTestInputs/zip")));
        images(Files.createDirectories(base.resolve("ImageFuzzTestInputs/decode")));
        miniImagenet(Files.createDirectories(base.resolve("MiniImagenetFuzzTestInputs/csv")));
    }

    private static void omniglot(Path dir) throws IOException {
        Map<String, byte[]> valid = new LinkedHashMap<>();
        valid.put("images_background/", new byte[0]);
        valid.put("images_background/Latin/", new byte[0]);
        valid.putAll(Fixtures.omniglot("images_background", "Latin", 1, 2, 2));
        valid.put("images_background/Latin/README.txt", "not a drawing\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("two-characters-stored.zip"), Fixtures.zip(valid, true));
        Files.write(dir.resolve("two-characters-deflated.zip"),
                Fixtures.zip(Fixtures.omniglot("images_background", "Greek", 3, 2, 2), false));

        Map<String, byte[]> slip = new LinkedHashMap<>(Fixtures.omniglot("images_background", "Latin", 1, 1, 1));
        slip.put("images_background/../../evil.png", Fixtures.png(Fixtures.drawing(0, 1)));
        Files.write(dir.resolve("zip-slip.zip"), Fixtures.zip(slip, true));

        Map<String, byte[]> corrupt = new LinkedHashMap<>(Fixtures.omniglot("images_background", "Latin", 1, 1, 1));
        byte[] png = Fixtures.png(Fixtures.drawing(1, 1));
        corrupt.put("images_background/Latin/character02/0002_01.png", Arrays.copyOf(png, png.length * 2 / 3));
        Files.write(dir.resolve("corrupt-png.zip"), Fixtures.zip(corrupt, true));
    }

    private static void images(Path dir) throws IOException {
        Files.write(dir.resolve("drawing-105-1bit.png"), Fixtures.png(Fixtures.drawing(0, 0)));
        Files.write(dir.resolve("rgb-84.png"), Fixtures.png(Fixtures.filled(84, 0x3080C0,
                BufferedImage.TYPE_INT_RGB)));
        Files.write(dir.resolve("grey-42.png"), Fixtures.png(Fixtures.filled(42, 0x606060,
                BufferedImage.TYPE_BYTE_GRAY)));
        Files.write(dir.resolve("grey-16bit.png"), Fixtures.png(Fixtures.filled(12, 0x808080,
                BufferedImage.TYPE_USHORT_GRAY)));
        Files.write(dir.resolve("rgba.png"), Fixtures.png(Fixtures.filled(12, 0x80FF4000,
                BufferedImage.TYPE_INT_ARGB)));
        IndexColorModel palette = new IndexColorModel(2, 3, new byte[] {0, (byte) 200, 10},
                new byte[] {0, 100, (byte) 250}, new byte[] {0, 50, 20});
        BufferedImage indexed = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_BINARY, palette);
        for (int i = 0; i < 10; i++) {
            indexed.getRaster().setSample(i, 9 - i, 0, 1 + i % 2);
        }
        Files.write(dir.resolve("palette-2bit.png"), Fixtures.png(indexed));
        Files.write(dir.resolve("interlaced.png"), interlaced(Fixtures.drawing(1, 2)));
        Files.write(dir.resolve("rgb-16.jpg"), Fixtures.encode(Fixtures.filled(16, 0xC04020,
                BufferedImage.TYPE_INT_RGB), "jpeg"));
        Files.write(dir.resolve("grey-16.jpg"), Fixtures.encode(Fixtures.filled(16, 0x404040,
                BufferedImage.TYPE_BYTE_GRAY), "jpeg"));
        Files.write(dir.resolve("rgb-8.gif"), Fixtures.encode(Fixtures.filled(8, 0x00FF00,
                BufferedImage.TYPE_INT_RGB), "gif"));
        Files.write(dir.resolve("rgb-8.bmp"), Fixtures.encode(Fixtures.filled(8, 0x0000FF,
                BufferedImage.TYPE_INT_RGB), "bmp"));
        Files.write(dir.resolve("rgb-8.tif"), Fixtures.encode(Fixtures.filled(8, 0xFF0000,
                BufferedImage.TYPE_INT_RGB), "tiff"));
        byte[] png = Fixtures.png(Fixtures.filled(84, 0x102030, BufferedImage.TYPE_INT_RGB));
        Files.write(dir.resolve("corrupt.png"), Arrays.copyOf(png, png.length / 2));
        // pixels up to 255 over a palette of two colours (it crashed the grey conversion)
        Files.write(dir.resolve("palette-smaller-than-pixels.bmp"), bmpBeyondPalette());
        // signed and floating-point samples (they gave grey levels outside 0..255)
        Files.write(dir.resolve("signed-16bit.tif"), Fixtures.encode(samples(DataBuffer.TYPE_SHORT), "tiff"));
        Files.write(dir.resolve("float.tif"), Fixtures.encode(samples(DataBuffer.TYPE_FLOAT), "tiff"));
        // a strip declared 2^31 - 1 bytes long (the decoder allocated it: OutOfMemoryError)
        Files.write(dir.resolve("huge-deflated-strip.tif"), tiffWithAHugeStrip());
    }

    /** A 4×4 grey TIFF of 138 bytes whose one strip is declared deflated and 2^31 − 1 bytes long. */
    private static byte[] tiffWithAHugeStrip() {
        int[][] tags = { // tag, type (3 SHORT, 4 LONG), value
            {256, 3, 4}, {257, 3, 4}, {258, 3, 8}, {259, 3, 8}, {262, 3, 1}, {273, 4, 8 + 2 + 9 * 12 + 4},
            {277, 3, 1}, {278, 3, 4}, {279, 4, Integer.MAX_VALUE}};
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 9 * 12 + 4 + 16).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) tags.length);
        for (int[] t : tags) {
            tiff.putShort((short) t[0]).putShort((short) t[1]).putInt(1);
            if (t[1] == 3) {
                tiff.putShort((short) t[2]).putShort((short) 0);
            } else {
                tiff.putInt(t[2]);
            }
        }
        return tiff.array(); // no next directory; 16 zero bytes of the strip
    }

    /** A 4×4 BMP of 8-bit pixels 200, 1, 0, 255 in each row, with a palette of two colours (black, white). */
    private static byte[] bmpBeyondPalette() {
        int offset = 14 + 40 + 2 * 4;
        ByteBuffer bmp = ByteBuffer.allocate(offset + 16).order(ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(offset + 16).putInt(0).putInt(offset);
        // BITMAPINFOHEADER: size, width, height, planes, bits, no compression, image size, resolution, colours used
        bmp.putInt(40).putInt(4).putInt(4).putShort((short) 1).putShort((short) 8).putInt(0).putInt(16).putInt(2835)
                .putInt(2835).putInt(2).putInt(0);
        bmp.putInt(0x000000).putInt(0xFFFFFF);
        for (int row = 0; row < 4; row++) {
            bmp.put((byte) 200).put((byte) 1).put((byte) 0).put((byte) 255);
        }
        return bmp.array();
    }

    /** An 8×8 grey image of {@code dataType} samples from the most negative to the largest. */
    private static BufferedImage samples(int dataType) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false,
                Transparency.OPAQUE, dataType);
        WritableRaster raster = model.createCompatibleWritableRaster(8, 8);
        for (int i = 0; i < 64; i++) {
            double v = dataType == DataBuffer.TYPE_FLOAT ? (i - 32) / 8.0 : (i - 32) * 1024;
            raster.setSample(i % 8, i / 8, 0, v);
        }
        return new BufferedImage(model, raster, false, null);
    }

    /** An Adam7-interlaced PNG. */
    private static byte[] interlaced(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static void miniImagenet(Path dir) throws IOException {
        csv(dir, "three-classes.csv", "filename,label\na.png,n01\nb.jpg,n01\nc.png,n01\n"
                + "b.jpg,n02\nc.png,n02\na.png,n03\nc.png,n03\n");
        csv(dir, "bom-crlf-blank-lines.csv", "\uFEFFfilename,label\r\n a.png , n01 \r\n\r\nb.jpg,n02\r\n  \r\n");
        csv(dir, "undecodable-images.csv", "filename,label\nbad.png,n01\nwide.png,n02\nbig.png,n03\na.png,n01\n");
        csv(dir, "a-folder.csv", "filename,label\na.png,n01\nsub.png,n01\n");
        csv(dir, "path-in-name.csv", "filename,label\na.png,n01\n../images/a.png,n02\n");
        csv(dir, "three-fields.csv", "filename,label\na.png,n01,extra\n");
        // in the C locale (as fuzzed) such a name cannot be a path: it gave an InvalidPathException
        csv(dir, "name-outside-ascii.csv", "filename,label\na.png,n01\ncaf\u00e9.png,n01\n");
    }

    private static void csv(Path dir, String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
