package io.github.bilevel.data.mnist;

import io.github.bilevel.data.DataFormatException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of MNIST (unsigned bytes): images (magic 2051, then count, rows, columns) and labels
 * (magic 2049, then count). Gzip-compressed input is detected by its header. Declared sizes are checked against a
 * limit, and buffers grow with the bytes actually read, so a header cannot make the reader allocate more than the file
 * holds. A file shorter than declared fails with the name and the counts, corrupt gzip data with the name.
 */
public final class Idx {
    /** The largest count accepted (MNIST has 60,000). */
    public static final int MAX_COUNT = 1_000_000;
    /** The largest image side accepted. */
    public static final int MAX_SIDE = 4096;
    /** The most bytes of pixels accepted: the largest array the JVM allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Idx() {
    }

    /** Raw images: {@code count × rows × columns} unsigned bytes. */
    public record Images(byte[] pixels, int count, int rows, int columns) {
    }

    private static DataInputStream open(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        InputStream body = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
        return new DataInputStream(body);
    }

    public static Images readImages(InputStream raw, String name) throws IOException {
        try (DataInputStream in = open(raw)) {
            int magic = header(in, name);
            if (magic != 2051) {
                throw new DataFormatException(name + ": not an IDX image file (magic " + magic + ", expected 2051)");
            }
            int count = header(in, name);
            int rows = header(in, name);
            int cols = header(in, name);
            if (count < 0 || count > MAX_COUNT || rows < 1 || rows > MAX_SIDE || cols < 1 || cols > MAX_SIDE) {
                throw new DataFormatException(name + ": declared size " + count + " × " + rows + " × " + cols
                        + " is outside the accepted range (count <= " + MAX_COUNT + ", sides 1.." + MAX_SIDE + ")");
            }
            long size = (long) count * rows * cols;
            if (size > MAX_ARRAY) {
                throw new DataFormatException(name + ": declared size " + count + " × " + rows + " × " + cols + " = "
                        + size + " bytes is more than one array holds");
            }
            byte[] pixels = readFully(in, (int) size, name, count + " images of " + rows + "×" + cols);
            return new Images(pixels, count, rows, cols);
        } catch (ZipException | EOFException e) {
            throw corruptGzip(name, e);
        }
    }

    public static int[] readLabels(InputStream raw, String name) throws IOException {
        try (DataInputStream in = open(raw)) {
            int magic = header(in, name);
            if (magic != 2049) {
                throw new DataFormatException(name + ": not an IDX label file (magic " + magic + ", expected 2049)");
            }
            int count = header(in, name);
            if (count < 0 || count > MAX_COUNT) {
                throw new DataFormatException(name + ": declared count " + count + " is outside [0, " + MAX_COUNT + "]");
            }
            byte[] bytes = readFully(in, count, name, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xff;
            }
            return labels;
        } catch (ZipException | EOFException e) {
            throw corruptGzip(name, e);
        }
    }

    /** Gzip input that does not decompress: bad data, not a failure to read. */
    private static DataFormatException corruptGzip(String name, IOException e) {
        return new DataFormatException(name + ": corrupt gzip data ("
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
    }

    private static int header(DataInputStream in, String name) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DataFormatException(name + ": truncated header");
        }
    }

    /** The next {@code length} bytes; the buffer grows as they arrive rather than being sized by the header. */
    private static byte[] readFully(DataInputStream in, int length, String name, String what) throws IOException {
        byte[] data = in.readNBytes(length);
        if (data.length < length) {
            throw new DataFormatException(name + ": truncated: declares " + what + " (" + length
                    + " bytes) but ends after " + data.length + " bytes");
        }
        return data;
    }
}
