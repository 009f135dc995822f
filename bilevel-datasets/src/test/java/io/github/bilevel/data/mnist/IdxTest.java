package io.github.bilevel.data.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.LabeledImages;
import io.github.bilevel.data.digits.Digits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    static byte[] images(int magic, int count, int rows, int cols, int bodyBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        d.writeInt(count);
        d.writeInt(rows);
        d.writeInt(cols);
        for (int i = 0; i < bodyBytes; i++) {
            d.writeByte(i * 7);
        }
        return b.toByteArray();
    }

    static byte[] labels(int count, int... values) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(2049);
        d.writeInt(count);
        for (int v : values) {
            d.writeByte(v);
        }
        return b.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }

    @Test
    void readsRawAndGzippedFiles() throws Exception {
        byte[] raw = images(2051, 2, 2, 3, 12);
        Idx.Images a = Idx.readImages(new ByteArrayInputStream(raw), "a");
        Idx.Images b = Idx.readImages(new ByteArrayInputStream(gzip(raw)), "b");
        assertEquals(2, a.count());
        assertArrayEquals(a.pixels(), b.pixels());
        assertEquals((byte) 21, a.pixels()[3]);
        assertArrayEquals(new int[] {7, 0, 255}, Idx.readLabels(new ByteArrayInputStream(labels(3, 7, 0, 255)), "l"));
    }

    @Test
    void malformedFilesGiveMessagesNamingTheFile() throws Exception {
        DataFormatException magic = assertThrows(DataFormatException.class,
                () -> Idx.readImages(new ByteArrayInputStream(images(2049, 1, 2, 2, 4)), "x.idx"));
        assertEquals("x.idx: not an IDX image file (magic 2049, expected 2051)", magic.getMessage());
        DataFormatException truncated = assertThrows(DataFormatException.class,
                () -> Idx.readImages(new ByteArrayInputStream(images(2051, 3, 2, 2, 5)), "t.idx"));
        assertTrue(truncated.getMessage().startsWith("t.idx: truncated: declares 3 images of 2×2 (12 bytes)"),
                truncated.getMessage());
        DataFormatException huge = assertThrows(DataFormatException.class,
                () -> Idx.readImages(new ByteArrayInputStream(images(2051, Integer.MAX_VALUE, 28, 28, 0)), "h.idx"));
        assertTrue(huge.getMessage().contains("outside the accepted range"), huge.getMessage());
        assertThrows(DataFormatException.class, () -> Idx.readLabels(new ByteArrayInputStream(new byte[] {0, 0}), "e"));
        assertThrows(DataFormatException.class,
                () -> Idx.readLabels(new ByteArrayInputStream(labels(4, 1, 2)), "short"));
    }

    @Test
    void hostileHeadersAndCorruptGzipAreFormatErrors() throws Exception {
        // 1,000,000 × 4096 × 4096 overflows an int; 1,000,000 × 2000 × 1 is 2 GB the file does not hold
        DataFormatException overflow = assertThrows(DataFormatException.class,
                () -> Idx.readImages(new ByteArrayInputStream(images(2051, 1_000_000, 4096, 4096, 3)), "o.idx"));
        assertTrue(overflow.getMessage().startsWith("o.idx: declared size"), overflow.getMessage());
        DataFormatException large = assertThrows(DataFormatException.class,
                () -> Idx.readImages(new ByteArrayInputStream(images(2051, 1_000_000, 2000, 1, 3)), "l.idx"));
        assertTrue(large.getMessage().startsWith("l.idx: truncated: declares 1000000 images of 2000×1"),
                large.getMessage());
        byte[] gz = gzip(images(2051, 2, 2, 3, 12));
        byte[] method = gz.clone();
        method[2] = 7; // not deflate
        // a cut header, a cut deflate stream, an unknown compression method
        for (byte[] bad : new byte[][] {Arrays.copyOf(gz, 5), Arrays.copyOf(gz, 20), method}) {
            DataFormatException e = assertThrows(DataFormatException.class,
                    () -> Idx.readImages(new ByteArrayInputStream(bad), "c.idx.gz"));
            assertTrue(e.getMessage().startsWith("c.idx.gz: "), e.getMessage());
            DataFormatException l = assertThrows(DataFormatException.class,
                    () -> Idx.readLabels(new ByteArrayInputStream(bad), "c.idx.gz"));
            assertTrue(l.getMessage().startsWith("c.idx.gz: "), l.getMessage());
        }
    }

    @Test
    void loadsAFolderAndReportsMissingFiles(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(2051, 2, 1, 2, 4)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(2, 3, 9));
        LabeledImages d = Mnist.load(dir, true);
        assertEquals(2, d.count());
        assertArrayEquals(new int[] {3, 9}, d.labels());
        DataFormatException missing = assertThrows(DataFormatException.class, () -> Mnist.load(dir, false));
        assertTrue(missing.getMessage().contains("t10k-images-idx3-ubyte(.gz) not found"), missing.getMessage());
        DataFormatException noDir = assertThrows(DataFormatException.class,
                () -> Mnist.load(dir.resolve("nope"), true));
        assertTrue(noDir.getMessage().contains("does not exist"), noDir.getMessage());
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(2, 3, 12));
        DataFormatException label = assertThrows(DataFormatException.class, () -> Mnist.load(dir, true));
        assertTrue(label.getMessage().contains("label 12"), label.getMessage());
    }

    @Test
    void embeddedCopiesHaveTheDocumentedSizes() throws Exception {
        LabeledImages train = Mnist.embeddedTrain();
        LabeledImages test = Mnist.embeddedTest();
        assertEquals(10_000, train.count());
        assertEquals(10_000, test.count());
        assertEquals(784, train.features());
        int[] counts = new int[10];
        Arrays.stream(train.labels()).forEach(l -> counts[l]++);
        for (int c : counts) {
            assertTrue(c > 800 && c < 1200, Arrays.toString(counts));
        }
        LabeledImages digits = Digits.embedded();
        assertEquals(1797, digits.count());
        assertEquals(64, digits.features());
    }

    @Test
    void digitsCsvErrorsNameTheLine() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Digits.read(
                new ByteArrayInputStream("1,2,3\n".getBytes(StandardCharsets.US_ASCII)), "d.csv"));
        assertEquals("d.csv line 1: 3 fields, expected 65", e.getMessage());
    }
}
