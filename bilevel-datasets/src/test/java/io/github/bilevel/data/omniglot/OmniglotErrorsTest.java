package io.github.bilevel.data.omniglot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.ReadLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OmniglotErrorsTest {

    private static DataFormatException refused(Path dir) {
        return assertThrows(DataFormatException.class, () -> Omniglot.load(dir));
    }

    private static DataFormatException refused(Path dir, ReadLimits limits) {
        return assertThrows(DataFormatException.class, () -> Omniglot.load(dir, limits));
    }

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention " + p);
        }
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    /** A background zip with the fixture's background entries plus {@code extra}; a valid evaluation zip. */
    private static Path withBackground(Path dir, Map<String, byte[]> extra) throws Exception {
        Fixtures.zips(dir);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Fixtures.entries().forEach((k, v) -> {
            if (k.startsWith(Omniglot.BACKGROUND + "/")) {
                entries.put(k, v);
            }
        });
        entries.putAll(extra);
        Fixtures.zip(dir.resolve("images_background.zip"), entries);
        return dir;
    }

    @Test
    void missingPartsAreNamed(@TempDir Path dir) throws Exception {
        assertMentions(refused(dir.resolve("nope")), "does not exist");
        assertMentions(refused(dir), "neither images_background.zip nor a folder images_background");
        Fixtures.zips(dir);
        Files.delete(dir.resolve("images_evaluation.zip"));
        assertMentions(refused(dir), "neither images_evaluation.zip nor a folder images_evaluation");
        Files.createDirectories(dir.resolve("images_evaluation/Omega/character01"));
        assertMentions(refused(dir), "holds no images at images_evaluation/<alphabet>/<character>/<drawing>.png");
    }

    @Test
    void aCorruptPngIsNamedWithItsZipAndEntry(@TempDir Path dir) throws Exception {
        byte[] png = Fixtures.png(Fixtures.drawing(0, 0));
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        String entry = "images_background/Zeta/character01/0001_09.png";
        withBackground(dir, Map.of(entry, truncated));
        DataFormatException e = refused(dir);
        assertMentions(e, dir.resolve("images_background.zip") + "!" + entry, "corrupt image");
        withBackground(dir, Map.of(entry, "not a picture".getBytes()));
        assertMentions(refused(dir), entry, "not an image");
    }

    @Test
    void aCorruptPngInAFolderIsNamed(@TempDir Path dir) throws Exception {
        Fixtures.folders(dir);
        Path file = dir.resolve(Fixtures.CHARS[3].path(2));
        byte[] png = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(png, png.length * 3 / 5)); // cut inside the image data
        assertMentions(refused(dir), file.toString(), "corrupt image");
        png[16] = png[17] = png[18] = png[19] = 0; // width 0 in the header
        Files.write(file, png);
        assertMentions(refused(dir), file.toString());
    }

    @Test
    void aCommentRunningPastTheEndOfTheZipIsNamed(@TempDir Path dir) throws Exception {
        withBackground(dir, Map.of());
        Path zip = dir.resolve("images_background.zip");
        byte[] bytes = Files.readAllBytes(zip);
        bytes[bytes.length - 2] = 100; // the end record's comment length: the archive ends there
        Files.write(zip, bytes);
        assertMentions(refused(dir), zip.toString(), "not a readable zip archive");
    }

    @Test
    void entriesEscapingTheArchiveAreRefused(@TempDir Path dir) throws Exception {
        byte[] png = Fixtures.png(Fixtures.drawing(0, 0));
        for (String evil : new String[] {"../evil.png", "images_background/../../evil.png", "/etc/evil.png",
            "images_background/Zeta/..\\..\\evil.png", "C:/evil.png"}) {
            withBackground(dir, Map.of(evil, png));
            DataFormatException e = refused(dir);
            assertMentions(e, dir.resolve("images_background.zip").toString(), "entry " + evil,
                    "escapes the archive");
        }
    }

    @Test
    void entriesOverTheLimitsAreRefused(@TempDir Path dir) throws Exception {
        withBackground(dir, Map.of());
        long largest = 0;
        long total = 0;
        for (byte[] b : Fixtures.entries().values()) {
            largest = Math.max(largest, b.length);
            total += b.length;
        }
        Omniglot.load(dir, new ReadLimits(largest, total, 100, 105)); // exactly at the limits
        assertMentions(refused(dir, new ReadLimits(largest - 1, total, 100, 105)), "images_background.zip!",
                "larger than the limit of " + (largest - 1) + " bytes per entry");
        assertMentions(refused(dir, new ReadLimits(largest, 100, 100, 105)), "images_background.zip",
                "entries total more than the limit of 100 bytes (at images_background/");
        assertMentions(refused(dir, new ReadLimits(largest, total, 5, 105)), "images_background.zip",
                "more than the limit of 5");
        assertMentions(refused(dir, new ReadLimits(largest, total, 100, 104)), "images_background.zip!",
                "105×105 is outside the accepted sizes");
    }

    @Test
    void entrySizesAreCountedNotTakenFromTheHeaders(@TempDir Path dir) throws Exception {
        String entry = "images_background/Zeta/character01/0001_09.png";
        withBackground(dir, Map.of(entry, new byte[50_000]));
        Path zip = dir.resolve("images_background.zip");
        byte[] bytes = Files.readAllBytes(zip);
        // the central directory and the data descriptor claim 100 bytes for the 50,000-byte entry
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = entry.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int patched = 0;
        for (int i = 0; i + 46 + name.length <= bytes.length; i++) {
            if (b.getInt(i) == 0x02014b50 && Arrays.equals(bytes, i + 46, i + 46 + name.length, name, 0,
                    name.length)) {
                b.putInt(i + 24, 100);
                patched++;
            }
            if (b.getInt(i) == 0x08074b50 && b.getInt(i + 12) == 50_000) {
                b.putInt(i + 12, 100);
                patched++;
            }
        }
        assertEquals(2, patched);
        Files.write(zip, bytes);
        DataFormatException e = refused(dir, new ReadLimits(1000, 1 << 30, 100, 4096));
        assertMentions(e, zip.toString(), entry);
    }

    @Test
    void aFileThatIsNotAZipIsNamed(@TempDir Path dir) throws Exception {
        Fixtures.zips(dir);
        Files.write(dir.resolve("images_evaluation.zip"), "PK? no".getBytes());
        assertMentions(refused(dir), dir.resolve("images_evaluation.zip").toString(), "not a readable zip archive");
    }

    @Test
    void aCorruptCompactFileIsNamed() throws Exception {
        assertMentions(assertThrows(DataFormatException.class,
                () -> CompactFormat.read(new ByteArrayInputStream(gzip("OMNIGLUT".getBytes())), "c.gz")),
                "c.gz", "bad magic");
        byte[] header = {'O', 'M', 'N', 'I', 'G', 'L', 'O', 'T', 1, 4, 0, 28, 0, 1, 0, 1, 0, 1, 'A', 0, 1, 0, 1, 'c',
            2};
        assertMentions(assertThrows(DataFormatException.class,
                () -> CompactFormat.read(new ByteArrayInputStream(gzip(header)), "c.gz")),
                "c.gz: truncated or corrupt (ends early)");
        byte[] whole = Arrays.copyOf(header, header.length + 2 * 392 + 1);
        assertMentions(assertThrows(DataFormatException.class,
                () -> CompactFormat.read(new ByteArrayInputStream(gzip(whole)), "c.gz")), "c.gz", "unexpected data");
        Omniglot ok = CompactFormat.read(new ByteArrayInputStream(gzip(Arrays.copyOf(whole, whole.length - 1))),
                "c.gz");
        assertEquals("A/c", ok.name(0));
        assertEquals(2, ok.drawings(0));
        assertMentions(assertThrows(DataFormatException.class,
                () -> CompactFormat.read(new ByteArrayInputStream(new byte[] {1, 2, 3}), "c.gz")), "c.gz");
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(data);
        }
        return out.toByteArray();
    }
}
