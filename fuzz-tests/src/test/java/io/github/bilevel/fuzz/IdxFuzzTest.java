package io.github.bilevel.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.bilevel.data.mnist.Idx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the MNIST IDX readers. A reader may reject its input only with a
 * {@link io.github.bilevel.data.DataFormatException} naming the file; any other exception or error (an overflow, an
 * out-of-bounds index, running out of memory for a size the file only declares, a bare EOFException from a truncated
 * gzip stream) is a finding. Each input is read as it is and gzip-compressed, and both readings must agree.
 */
class IdxFuzzTest {

    @Timeout(10)
    @DictionaryEntries({"\u0000\u0000\u0008\u0003", "\u0000\u0000\u0008\u0001"})
    @FuzzTest
    void readImages(byte[] data) throws IOException {
        Optional<Idx.Images> plain = Readers.read(data, "images.idx", Idx::readImages);
        plain.ifPresent(images -> {
            assertTrue(images.count() >= 0 && images.count() <= Idx.MAX_COUNT, "count " + images.count());
            assertTrue(images.rows() >= 1 && images.rows() <= Idx.MAX_SIDE, "rows " + images.rows());
            assertTrue(images.columns() >= 1 && images.columns() <= Idx.MAX_SIDE, "columns " + images.columns());
            assertEquals((long) images.count() * images.rows() * images.columns(), images.pixels().length);
        });
        if (!Readers.isGzip(data)) {
            Optional<Idx.Images> zipped = Readers.read(gzip(data), "images.idx.gz", Idx::readImages);
            assertEquals(plain.isPresent(), zipped.isPresent(), "gzip changed whether the file is accepted");
            plain.ifPresent(p -> assertArrayEquals(p.pixels(), zipped.get().pixels()));
        }
    }

    @Timeout(10)
    @DictionaryEntries({"\u0000\u0000\u0008\u0001", "\u0000\u0000\u0008\u0003"})
    @FuzzTest
    void readLabels(byte[] data) throws IOException {
        Optional<int[]> plain = Readers.read(data, "labels.idx", Idx::readLabels);
        plain.ifPresent(labels -> {
            assertTrue(labels.length <= Idx.MAX_COUNT, "count " + labels.length);
            for (int label : labels) {
                assertTrue(label >= 0 && label <= 255, "label " + label);
            }
        });
        if (!Readers.isGzip(data)) {
            Optional<int[]> zipped = Readers.read(gzip(data), "labels.idx.gz", Idx::readLabels);
            assertEquals(plain.isPresent(), zipped.isPresent(), "gzip changed whether the file is accepted");
            plain.ifPresent(p -> assertArrayEquals(p, zipped.get()));
        }
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
