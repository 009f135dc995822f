package io.github.bilevel.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.data.DataFormatException;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Images the fuzzing of the readers turned up: they must decode to grey levels and planes in 0..255, or be refused. */
class PixelsTest {

    /** The grey levels and RGB planes as the image's colour model gives them. */
    private static void assertAsTheColourModel(BufferedImage image) {
        int n = image.getWidth() * image.getHeight();
        int[] argb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        int[][] planes = new int[3][n];
        int[] grey = new int[n];
        for (int i = 0; i < n; i++) {
            planes[0][i] = argb[i] >> 16 & 0xff;
            planes[1][i] = argb[i] >> 8 & 0xff;
            planes[2][i] = argb[i] & 0xff;
            grey[i] = (299 * planes[0][i] + 587 * planes[1][i] + 114 * planes[2][i] + 500) / 1000;
        }
        assertArrayEquals(grey, Pixels.grey(image));
        int[][] rgb = Pixels.rgb(image);
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(planes[c], rgb[c]);
        }
    }

    @Test
    void aBmpDeclaringAnEmbeddedImageLargerThanItselfIsRefusedBeforeAllocating() {
        // found by ImageFuzzTest: a 62×40 BMP with an embedded JPEG (compression 4) declared 0x42ffff01 bytes long
        byte[] bmp = java.util.HexFormat.of().parseHex("424d4e000000000000bc3e000000280000003e000000280000000400"
                + "00000400000001ffff42ffffffffff600020001302004d4e000000");
        DataFormatException e = assertThrows(DataFormatException.class, () -> Pixels.decode(bmp, "x.bmp", 1024));
        assertTrue(e.getMessage().contains("x.bmp") && e.getMessage().contains("embedded"), e.getMessage());
    }

    @Test
    void pixelsBeyondThePaletteAreWhatTheColourModelMakesOfThem() {
        // a BMP may declare fewer palette colours than its pixels use
        IndexColorModel two = new IndexColorModel(8, 2, new byte[] {0, (byte) 255}, new byte[] {0, (byte) 200},
                new byte[] {0, (byte) 100});
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, two);
        int[] samples = {200, 1, 0, 255};
        for (int x = 0; x < 4; x++) {
            image.getRaster().setSample(x, 0, 0, samples[x]);
        }
        assertAsTheColourModel(image);
    }

    @Test
    void twoBandsWithoutAlphaGoThroughTheColourModel() {
        ColorSpace twoComponents = new ColorSpace(ColorSpace.TYPE_2CLR, 2) {
            @Override
            public float[] toRGB(float[] value) {
                return new float[] {value[0], value[1], value[0]};
            }

            @Override
            public float[] fromRGB(float[] rgb) {
                return new float[] {rgb[0], rgb[1]};
            }

            @Override
            public float[] toCIEXYZ(float[] value) {
                return ColorSpace.getInstance(CS_sRGB).toCIEXYZ(toRGB(value));
            }

            @Override
            public float[] fromCIEXYZ(float[] xyz) {
                return fromRGB(ColorSpace.getInstance(CS_sRGB).fromCIEXYZ(xyz));
            }
        };
        ComponentColorModel model = new ComponentColorModel(twoComponents, false, false, Transparency.OPAQUE,
                DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(3, 1);
        raster.setPixels(0, 0, 3, 1, new int[] {0, 255, 255, 0, 90, 180});
        assertAsTheColourModel(new BufferedImage(model, raster, false, null));
    }

    @Test
    void thirtyTwoBitGreySamplesAreUnsigned() {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_INT);
        WritableRaster raster = model.createCompatibleWritableRaster(4, 1);
        raster.setPixels(0, 0, 4, 1, new int[] {0, 5, 0x80000000, 0xFFFFFFFF});
        BufferedImage image = new BufferedImage(model, raster, false, null);
        int[] grey = {0, 0, 128, 255};
        assertArrayEquals(grey, Pixels.grey(image));
        for (int[] plane : Pixels.rgb(image)) {
            assertArrayEquals(grey, plane);
        }
    }

    @Test
    void signedAndFloatingPointSamplesAreRefused() throws Exception {
        for (int type : new int[] {DataBuffer.TYPE_SHORT, DataBuffer.TYPE_FLOAT}) {
            ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false,
                    false, Transparency.OPAQUE, type);
            WritableRaster raster = model.createCompatibleWritableRaster(4, 4);
            raster.setSample(1, 1, 0, -3);
            ByteArrayOutputStream tiff = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(new BufferedImage(model, raster, false, null), "tiff", tiff));
            DataFormatException e = assertThrows(DataFormatException.class,
                    () -> Pixels.decode(tiff.toByteArray(), "x.tif", 64));
            assertTrue(e.getMessage().startsWith("x.tif: unsupported signed or floating-point samples"),
                    e.getMessage());
        }
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

    @Test
    void aStripLargerThanTheFileIsRefusedBeforeItIsAllocated() {
        // the decoder sees the file's length: it allocated the declared 2 GB before (OutOfMemoryError)
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> Pixels.decode(tiffWithAHugeStrip(), "huge.tif", 64));
        assertTrue(e.getMessage().startsWith("huge.tif: corrupt image"), e.getMessage());
    }
}
