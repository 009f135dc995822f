package io.github.bilevel.data.internal;

import io.github.bilevel.data.DataFormatException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * Image decoding (PNG, JPEG and whatever else {@code javax.imageio} reads) and area-averaging resampling with exact
 * integer arithmetic.
 */
public final class Pixels {
    private Pixels() {
    }

    /**
     * Decodes an image held in memory (no temporary files), refusing images wider or taller than {@code maxSide}
     * before their pixels are decoded.
     *
     * @throws DataFormatException naming {@code name} when no decoder recognizes the bytes, they are corrupt, or the
     *     samples are signed 16-bit or floating-point numbers (as a TIFF may have them)
     */
    public static BufferedImage decode(byte[] bytes, String name, int maxSide) {
        try (ImageInputStream in = new Bytes(bytes)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataFormatException(name + ": not an image in a known format (PNG, JPEG, …)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkEmbeddedSize(bytes, name, reader.getFormatName());
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width < 1 || height < 1 || width > maxSide || height > maxSide) {
                    throw new DataFormatException(name + ": image of " + width + "×" + height
                            + " is outside the accepted sizes (1.." + maxSide + " a side)");
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new DataFormatException(name + ": corrupt image (no pixels decoded)");
                }
                int type = image.getSampleModel().getDataType();
                if (type != DataBuffer.TYPE_BYTE && type != DataBuffer.TYPE_USHORT && type != DataBuffer.TYPE_INT) {
                    // signed 16-bit or floating-point samples (TIFF): their colour models do not convert them to RGB
                    throw new DataFormatException(name + ": unsupported signed or floating-point samples");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataFormatException d) {
                throw d;
            }
            throw new DataFormatException(name + ": corrupt image (" + e + ")", e);
        }
    }

    /**
     * A BMP may hold a JPEG or PNG (compression 4 or 5), and the JDK's reader allocates the embedded image's declared
     * size before reading it: 55 bytes declaring 1.1 GB exhaust the heap. Refuses a declared size beyond the file.
     */
    private static void checkEmbeddedSize(byte[] bytes, String name, String format) {
        if (!"bmp".equalsIgnoreCase(format) || bytes.length < 38) {
            return;
        }
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long headerSize = Integer.toUnsignedLong(header.getInt(14));
        long compression = Integer.toUnsignedLong(header.getInt(30));
        long imageSize = Integer.toUnsignedLong(header.getInt(34));
        if (headerSize >= 40 && (compression == 4 || compression == 5) && imageSize > bytes.length) {
            throw new DataFormatException(name + ": BMP declares an embedded image of " + imageSize
                    + " bytes in a file of " + bytes.length);
        }
    }

    /**
     * Bytes in memory as an image stream of known length (MemoryCacheImageInputStream's is unknown): decoders check
     * the sizes a file declares against it. Without it a TIFF of a hundred bytes declaring a deflated strip of 2 GB
     * has the decoder allocate the 2 GB.
     */
    private static final class Bytes extends ImageInputStreamImpl {
        private final byte[] bytes;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() throws IOException {
            checkClosed();
            bitOffset = 0;
            return streamPos < bytes.length ? bytes[(int) streamPos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkClosed();
            Objects.checkFromIndexSize(off, len, b.length);
            bitOffset = 0;
            if (len == 0) {
                return 0;
            }
            if (streamPos >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(len, bytes.length - streamPos);
            System.arraycopy(bytes, (int) streamPos, b, off, n);
            streamPos += n;
            return n;
        }

        @Override
        public long length() {
            return bytes.length;
        }
    }

    /**
     * The grey value of every pixel, 0 (black) to 255 (white), row-major. Palette images use their palette's
     * luminance (a pixel beyond the palette: what the colour model makes of it, as {@link BufferedImage#getRGB}),
     * grey images with unsigned integer samples their samples (scaled to 8 bits), other images
     * {@code (299·r + 587·g + 114·b) / 1000} rounded, of the colour model's 8-bit RGB.
     */
    public static int[] grey(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        int[] out = new int[w * h];
        if (raster.getNumBands() == 1 && model instanceof IndexColorModel palette) {
            int[] table = new int[palette.getMapSize()];
            for (int i = 0; i < table.length; i++) {
                table[i] = luminance(palette.getRGB(i));
            }
            raster.getSamples(0, 0, w, h, 0, out);
            for (int i = 0; i < out.length; i++) {
                // a BMP's pixels may index beyond its palette
                out[i] = out[i] < table.length ? table[out[i]] : luminance(palette.getRGB(out[i]));
            }
        } else if (plainGrey(image)) {
            int bits = raster.getSampleModel().getSampleSize(0);
            raster.getSamples(0, 0, w, h, 0, out);
            long max = (1L << bits) - 1;
            for (int i = 0; i < out.length; i++) {
                // 32-bit samples are unsigned
                out[i] = (int) ((Integer.toUnsignedLong(out[i]) * 510 + max) / (2 * max));
            }
        } else {
            int[][] rgb = rgb(image);
            for (int i = 0; i < out.length; i++) {
                out[i] = (299 * rgb[0][i] + 587 * rgb[1][i] + 114 * rgb[2][i] + 500) / 1000;
            }
        }
        return out;
    }

    /**
     * Red, green and blue planes, 0..255, row-major. Grey images with unsigned integer samples give three equal
     * planes (samples taken as they are, without colour-space conversion), other images the colour model's 8-bit RGB
     * ({@link BufferedImage#getRGB}); alpha is ignored.
     */
    public static int[][] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[][] planes = new int[3][w * h];
        if (plainGrey(image)) {
            int[] g = grey(image);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(g, 0, planes[c], 0, g.length);
            }
            return planes;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            planes[0][i] = argb[i] >> 16 & 0xff;
            planes[1][i] = argb[i] >> 8 & 0xff;
            planes[2][i] = argb[i] & 0xff;
        }
        return planes;
    }

    /**
     * Whether band 0 holds grey levels to take as they are: one band, or grey and alpha, of unsigned integers (signed
     * and floating-point samples, which {@link #decode} refuses, and two bands without alpha go through the colour
     * model).
     */
    private static boolean plainGrey(BufferedImage image) {
        Raster raster = image.getRaster();
        int type = raster.getSampleModel().getDataType();
        return (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT || type == DataBuffer.TYPE_INT)
                && !(image.getColorModel() instanceof IndexColorModel)
                && (raster.getNumBands() == 1 || raster.getNumBands() == 2 && image.getColorModel().hasAlpha());
    }

    private static int luminance(int argb) {
        return (299 * (argb >> 16 & 0xff) + 587 * (argb >> 8 & 0xff) + 114 * (argb & 0xff) + 500) / 1000;
    }

    /**
     * Area averaging (a box filter) of a {@code width × height} plane onto {@code side × side}: each output pixel is
     * the mean of the input over the square it covers, input pixels partly covered counting in proportion. The result
     * is exact: sums in units of {@code 1/side} of an input pixel per axis, so that output pixel {@code i} has mean
     * {@code sums[i] / (width·height)} (in the units of {@code plane}).
     */
    public static long[] areaSums(int[] plane, int width, int height, int side) {
        int[][] wx = weights(width, side);
        int[][] wy = weights(height, side);
        long[] rows = new long[height * side];
        for (int y = 0; y < height; y++) {
            for (int k = 0; k < side; k++) {
                int[] w = wx[k];
                long s = 0;
                for (int t = 1; t < w.length; t++) {
                    s += (long) w[t] * plane[y * width + w[0] + t - 1];
                }
                rows[y * side + k] = s;
            }
        }
        long[] out = new long[side * side];
        for (int j = 0; j < side; j++) {
            int[] w = wy[j];
            for (int t = 1; t < w.length; t++) {
                int y = w[0] + t - 1;
                for (int k = 0; k < side; k++) {
                    out[j * side + k] += w[t] * rows[y * side + k];
                }
            }
        }
        return out;
    }

    /**
     * For each output index j, {@code [first input index, weight, weight, …]}: output j covers input
     * {@code [j·n/side, (j+1)·n/side)}, and the weights are the overlaps in units of {@code 1/side} input pixel (they
     * sum to {@code n}).
     */
    private static int[][] weights(int n, int side) {
        int[][] out = new int[side][];
        for (int j = 0; j < side; j++) {
            long lo = (long) j * n;
            long hi = (long) (j + 1) * n;
            int first = (int) (lo / side);
            int last = (int) ((hi - 1) / side);
            int[] w = new int[last - first + 2];
            w[0] = first;
            for (int i = first; i <= last; i++) {
                w[i - first + 1] = (int) (Math.min(hi, (long) side * (i + 1)) - Math.max(lo, (long) side * i));
            }
            out[j] = w;
        }
        return out;
    }
}
