package io.github.bilevel.data.internal;

import io.github.bilevel.data.DataFormatException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

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
     * @throws DataFormatException naming {@code name} when no decoder recognizes the bytes or they are corrupt
     */
    public static BufferedImage decode(byte[] bytes, String name, int maxSide) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataFormatException(name + ": not an image in a known format (PNG, JPEG, …)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
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
     * The grey value of every pixel, 0 (black) to 255 (white), row-major. Palette images use their palette's
     * luminance, single-band grey images their samples (scaled to 8 bits), colour images
     * {@code (299·r + 587·g + 114·b) / 1000} rounded.
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
                out[i] = table[out[i]];
            }
        } else if (raster.getNumBands() == 1 || raster.getNumBands() == 2 && model.hasAlpha()) {
            int bits = raster.getSampleModel().getSampleSize(0);
            raster.getSamples(0, 0, w, h, 0, out);
            long max = (1L << bits) - 1;
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) ((out[i] * 510L + max) / (2 * max));
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
     * Red, green and blue planes, 0..255, row-major. Single-band grey images give three equal planes (samples taken
     * as they are, without colour-space conversion); alpha is ignored.
     */
    public static int[][] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[][] planes = new int[3][w * h];
        Raster raster = image.getRaster();
        if (raster.getNumBands() <= 2 && !(image.getColorModel() instanceof IndexColorModel)) {
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
