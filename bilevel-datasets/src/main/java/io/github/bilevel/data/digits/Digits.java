package io.github.bilevel.data.digits;

import io.github.bilevel.data.Checksums;
import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.LabeledImages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The UCI optical-recognition-of-handwritten-digits test set (Alpaydin and Kaynak) as shipped by scikit-learn:
 * 1,797 rows of 64 integers 0..16 (an 8×8 image) and a label 0..9. Pixels are scaled to [0, 1].
 */
public final class Digits {
    private static final String RESOURCE = "/io/github/bilevel/data/digits/digits.csv.gz";

    private Digits() {
    }

    /** The embedded copy (scikit-learn's digits.csv.gz, BSD-3-Clause). */
    public static LabeledImages embedded() throws IOException {
        try (InputStream in = Digits.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Embedded digits.csv.gz is missing from bilevel-datasets");
            }
            return read(new GZIPInputStream(in), "embedded digits.csv.gz");
        }
    }

    /** The SHA-256 of the embedded digits.csv.gz ({@link Checksums}). */
    public static String embeddedSha256() {
        return Checksums.ofResources(Digits.class, RESOURCE);
    }

    /**
     * The SHA-256 ({@link Checksums}) of the file {@link #load(java.nio.file.Path)} reads from {@code dir}.
     *
     * @throws DataFormatException when there is none
     */
    public static String sha256(java.nio.file.Path dir) throws IOException {
        for (String name : new String[] {"digits.csv.gz", "digits.csv"}) {
            java.nio.file.Path file = dir.resolve(name);
            if (java.nio.file.Files.isRegularFile(file)) {
                return Checksums.sha256(file);
            }
        }
        throw new DataFormatException("digits.csv(.gz) not found in " + dir);
    }

    /**
     * Reads {@code digits.csv.gz} or {@code digits.csv} from {@code dir} (the layout of the embedded copy).
     *
     * @throws DataFormatException naming the folder or file when it is missing or malformed
     */
    public static LabeledImages load(java.nio.file.Path dir) throws IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new DataFormatException("Digits data directory " + dir + " does not exist or is not a folder");
        }
        for (String name : new String[] {"digits.csv.gz", "digits.csv"}) {
            java.nio.file.Path file = dir.resolve(name);
            if (java.nio.file.Files.isRegularFile(file)) {
                try (InputStream in = java.nio.file.Files.newInputStream(file)) {
                    if (name.endsWith(".gz")) {
                        try {
                            return read(new GZIPInputStream(in), file.toString());
                        } catch (java.util.zip.ZipException | java.io.EOFException e) {
                            throw new DataFormatException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
                        }
                    }
                    return read(in, file.toString());
                }
            }
        }
        throw new DataFormatException("digits.csv(.gz) not found in " + dir);
    }

    /** Reads the CSV format: 65 integers per line, the last one the label. */
    public static LabeledImages read(InputStream csv, String name) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(csv, StandardCharsets.US_ASCII));
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        String line;
        int lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 65) {
                throw new DataFormatException(name + " line " + lineNo + ": " + f.length + " fields, expected 65");
            }
            float[] px = new float[64];
            try {
                for (int i = 0; i < 64; i++) {
                    int v = Integer.parseInt(f[i].trim());
                    if (v < 0 || v > 16) {
                        throw new DataFormatException(name + " line " + lineNo + ": pixel " + v + " outside 0..16");
                    }
                    px[i] = v / 16f;
                }
                int label = Integer.parseInt(f[64].trim());
                if (label < 0 || label > 9) {
                    throw new DataFormatException(name + " line " + lineNo + ": label " + label + " outside 0..9");
                }
                labels.add(label);
            } catch (NumberFormatException e) {
                throw new DataFormatException(name + " line " + lineNo + ": not an integer (" + e.getMessage() + ")");
            }
            rows.add(px);
        }
        if (rows.isEmpty()) {
            throw new DataFormatException(name + ": no examples");
        }
        float[] pixels = new float[rows.size() * 64];
        int[] l = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, pixels, i * 64, 64);
            l[i] = labels.get(i);
        }
        return new LabeledImages(pixels, l, 8, 8, 10);
    }
}
