package io.github.bilevel.data.omniglot;

import io.github.bilevel.data.DataFormatException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The compact Omniglot format of the embedded copy (docs/FORMATS.md; written by tools/make_omniglot_compact.py). A
 * gzip stream of, big-endian:
 * <pre>
 * magic "OMNIGLOT" (8 bytes ASCII), version u8 = 1, bits u8 (1, 2, 4 or 8), side u16 (28),
 * alphabets u16, background alphabets u16 (the first ones; they come from images_background),
 * per alphabet: name (u16 byte length, UTF-8), characters u16,
 *     per character: folder name (u16 byte length, UTF-8), drawings u8;
 * then per character in that order, per drawing: side·side pixel levels, row-major, {@code bits} bits each, packed
 * from the most significant bit of each byte; level l stands for the value l / (2^bits − 1), 1 = ink;
 * then the end of the stream.
 * </pre>
 */
final class CompactFormat {
    static final byte[] MAGIC = "OMNIGLOT".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    private CompactFormat() {
    }

    static Omniglot read(InputStream raw, String name) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16),
                1 << 16))) {
            return read(in, name);
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(name + ": truncated or corrupt (" + (e.getMessage() == null ? "ends early"
                    : e.getMessage()) + ")", e);
        }
    }

    private static Omniglot read(DataInputStream in, String name) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new DataFormatException(name + ": not a compact Omniglot file (bad magic)");
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new DataFormatException(name + ": unsupported version " + version + " (expected " + VERSION + ")");
        }
        int bits = in.readUnsignedByte();
        int side = in.readUnsignedShort();
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8 || side != Omniglot.SIDE) {
            throw new DataFormatException(name + ": unsupported " + bits + " bits per pixel or side " + side
                    + " (expected 1, 2, 4 or 8 and " + Omniglot.SIDE + ")");
        }
        int alphabetCount = in.readUnsignedShort();
        int backgroundAlphabets = in.readUnsignedShort();
        if (backgroundAlphabets > alphabetCount) {
            throw new DataFormatException(name + ": " + backgroundAlphabets + " background alphabets of "
                    + alphabetCount);
        }
        java.util.List<String> alphabets = new java.util.ArrayList<>();
        java.util.List<String> characters = new java.util.ArrayList<>();
        java.util.List<Integer> drawings = new java.util.ArrayList<>();
        int background = 0;
        for (int a = 0; a < alphabetCount; a++) {
            String alphabet = string(in);
            int count = in.readUnsignedShort();
            for (int c = 0; c < count; c++) {
                alphabets.add(alphabet);
                characters.add(string(in));
                int n = in.readUnsignedByte();
                if (n == 0) {
                    throw new DataFormatException(name + ": character " + alphabet + "/" + characters.get(
                            characters.size() - 1) + " has no drawings");
                }
                drawings.add(n);
            }
            if (a < backgroundAlphabets) {
                background = characters.size();
            }
        }
        int count = characters.size();
        int[] first = new int[count + 1];
        for (int c = 0; c < count; c++) {
            first[c + 1] = first[c] + drawings.get(c);
        }
        int pixels = side * side;
        byte[] levels = new byte[first[count] * pixels];
        byte[] packed = new byte[pixels * bits / 8];
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        for (int image = 0; image < first[count]; image++) {
            in.readFully(packed);
            int base = image * pixels;
            for (int p = 0; p < pixels; p++) {
                int shift = 8 - bits * (p % perByte + 1);
                levels[base + p] = (byte) ((packed[p / perByte] >> shift) & mask);
            }
        }
        if (in.read() != -1) {
            throw new DataFormatException(name + ": unexpected data after " + first[count] + " images");
        }
        return new Omniglot(alphabets.toArray(new String[0]), characters.toArray(new String[0]), first, levels, bits,
                background);
    }

    private static String string(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readUnsignedShort()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
