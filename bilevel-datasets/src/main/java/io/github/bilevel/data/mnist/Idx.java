package io.github.bilevel.data.mnist;

import io.github.bilevel.data.DataFormatException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of MNIST (unsigned bytes): images (magic 2051, then count, rows, columns) and labels
 * (magic 2049, then count). Gzip-compressed input is detected by its header. Declared sizes are checked against a
 * limit before anything is allocated, and a file shorter than declared fails with the name and the counts.
 */
public final class Idx {
    /** The largest count accepted (MNIST has 60,000). */
    public static final int MAX_COUNT = 1_000_000;
    /** The largest image side accepted. */
    public static final int MAX_SIDE = 4096;

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
            byte[] pixels = new byte[Math.multiplyExact(count, Math.multiplyExact(rows, cols))];
            readFully(in, pixels, name, count + " images of " + rows + "×" + cols);
            return new Images(pixels, count, rows, cols);
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
            byte[] bytes = new byte[count];
            readFully(in, bytes, name, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xff;
            }
            return labels;
        }
    }

    private static int header(DataInputStream in, String name) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DataFormatException(name + ": truncated header");
        }
    }

    private static void readFully(DataInputStream in, byte[] into, String name, String what) throws IOException {
        int off = 0;
        while (off < into.length) {
            int n = in.read(into, off, into.length - off);
            if (n < 0) {
                throw new DataFormatException(name + ": truncated: declares " + what + " (" + into.length
                        + " bytes) but ends after " + off + " bytes");
            }
            off += n;
        }
    }
}
