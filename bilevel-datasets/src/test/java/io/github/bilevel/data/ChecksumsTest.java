package io.github.bilevel.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bilevel.data.digits.Digits;
import io.github.bilevel.data.mnist.Mnist;
import io.github.bilevel.data.omniglot.Omniglot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected digests were printed by coreutils' sha256sum. */
class ChecksumsTest {
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    // printf abc > a.txt; : > sub/b.txt; sha256sum a.txt sub/b.txt | sha256sum
    private static final String LISTING = "7fa174ec633d9dd026791655bcede544783962588e3b79ef7ff0b3347b298d1d";

    @Test
    void oneFileIsItsSha256AndSeveralTheSha256OfTheirSortedListing(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.txt");
        Files.writeString(a, "abc");
        Files.createDirectories(dir.resolve("sub"));
        Path b = Files.createFile(dir.resolve("sub/b.txt"));
        assertEquals(ABC, Checksums.sha256(a));
        assertEquals(ABC, Checksums.sha256(dir, List.of(a)));
        assertEquals(LISTING, Checksums.sha256(dir, List.of(b, a)), "order given does not matter");
        Files.writeString(b, "changed");
        assertNotEquals(LISTING, Checksums.sha256(dir, List.of(a, b)));
    }

    private static String sha256OfResource(String name) throws Exception {
        try (InputStream in = Checksums.class.getResourceAsStream(name)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }

    @Test
    void embeddedCopiesAreTheDigestsOfTheirResources() throws Exception {
        // sha256sum bilevel-datasets/src/main/resources/io/github/bilevel/data/digits/digits.csv.gz
        assertEquals("46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a", Digits.embeddedSha256());
        assertEquals(sha256OfResource("/io/github/bilevel/data/omniglot/omniglot28.bin.gz"), Omniglot.embeddedSha256());
        assertEquals(64, Mnist.embeddedSha256().length());
    }

    @Test
    void dataFoldersAreChecksummedOverTheFilesTheReadersUse(@TempDir Path dir) throws IOException {
        assertThrows(DataFormatException.class, () -> Digits.sha256(dir));
        Files.writeString(dir.resolve("digits.csv"), "abc");
        assertEquals(ABC, Digits.sha256(dir));
        assertThrows(DataFormatException.class, () -> Mnist.sha256(dir));
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            Files.writeString(dir.resolve(f), f);
        }
        String mnist = Mnist.sha256(dir);
        Files.writeString(dir.resolve("t10k-labels-idx1-ubyte"), "other");
        assertNotEquals(mnist, Mnist.sha256(dir));
        Path drawing = dir.resolve("images_background/Alphabet/character01/0001_01.png");
        Files.createDirectories(drawing.getParent());
        Files.writeString(drawing, "abc");
        assertThrows(DataFormatException.class, () -> Omniglot.sha256(dir), "no images_evaluation");
        Files.writeString(dir.resolve("images_evaluation.zip"), "abc");
        String omniglot = Omniglot.sha256(dir);
        Files.writeString(dir.resolve("images_background/Alphabet/notes.txt"), "not read");
        assertEquals(omniglot, Omniglot.sha256(dir), "files the reader ignores do not count");
        Files.writeString(drawing, "abd");
        assertNotEquals(omniglot, Omniglot.sha256(dir));
    }
}
