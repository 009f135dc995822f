package io.github.bilevel.data.mnist;

import io.github.bilevel.data.Checksums;
import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.LabeledImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MNIST (LeCun, Cortes and Burges). Two sources:
 * <ul>
 *   <li>{@link #embeddedTrain()} / {@link #embeddedTest()}: the copy shipped in this module: 10,000 training
 *       examples drawn with a fixed seed from the 60,000 (see tools/make_mnist_subset.py) and the full 10,000-example
 *       test set;</li>
 *   <li>{@link #load(Path, boolean)}: the four official files in a folder, gzip-compressed or not.</li>
 * </ul>
 */
public final class Mnist {
    private static final String RESOURCES = "/io/github/bilevel/data/mnist/";

    private Mnist() {
    }

    public static LabeledImages embeddedTrain() throws IOException {
        return embedded("train10k");
    }

    public static LabeledImages embeddedTest() throws IOException {
        return embedded("t10k");
    }

    /**
     * The checksum ({@link Checksums}) of the embedded copy's four files: what {@link #embeddedTrain()} and
     * {@link #embeddedTest()} read.
     */
    public static String embeddedSha256() {
        return Checksums.ofResources(Mnist.class, RESOURCES + "train10k-images-idx3-ubyte.gz",
                RESOURCES + "train10k-labels-idx1-ubyte.gz", RESOURCES + "t10k-images-idx3-ubyte.gz",
                RESOURCES + "t10k-labels-idx1-ubyte.gz");
    }

    /**
     * The checksum ({@link Checksums}) of the four files {@link #load(Path, boolean)} reads from {@code dir} for the
     * training and the test set.
     *
     * @throws DataFormatException when one is missing
     */
    public static String sha256(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String prefix : new String[] {"train", "t10k"}) {
            files.add(find(dir, prefix + "-images-idx3-ubyte"));
            files.add(find(dir, prefix + "-labels-idx1-ubyte"));
        }
        return Checksums.sha256(dir, files);
    }

    private static LabeledImages embedded(String prefix) throws IOException {
        try (InputStream images = resource(prefix + "-images-idx3-ubyte.gz");
             InputStream labels = resource(prefix + "-labels-idx1-ubyte.gz")) {
            return combine(Idx.readImages(images, prefix + " images"), Idx.readLabels(labels, prefix + " labels"),
                    "embedded " + prefix);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = Mnist.class.getResourceAsStream(RESOURCES + name);
        if (in == null) {
            throw new IllegalStateException("Embedded MNIST file " + name + " is missing from bilevel-datasets");
        }
        return in;
    }

    /**
     * Reads {@code train-*} (when {@code train}) or {@code t10k-*} IDX files from {@code dir}, each with or without
     * {@code .gz}.
     *
     * @throws DataFormatException naming the folder or file when it is missing or malformed
     */
    public static LabeledImages load(Path dir, boolean train) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException("MNIST data directory " + dir + " does not exist or is not a folder");
        }
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        try (InputStream i = Files.newInputStream(images); InputStream l = Files.newInputStream(labels)) {
            return combine(Idx.readImages(i, images.toString()), Idx.readLabels(l, labels.toString()), dir.toString());
        } catch (NoSuchFileException e) {
            throw new DataFormatException("Missing MNIST file " + e.getFile());
        }
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DataFormatException("MNIST file " + base + "(.gz) not found in " + dir);
    }

    private static LabeledImages combine(Idx.Images images, int[] labels, String source) {
        if (images.count() != labels.length) {
            throw new DataFormatException(source + ": " + images.count() + " images but " + labels.length + " labels");
        }
        float[] pixels = new float[images.pixels().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (images.pixels()[i] & 0xff) / 255f;
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 9) {
                throw new DataFormatException(source + ": label " + labels[i] + " of example " + i + " is not a digit");
            }
        }
        return new LabeledImages(pixels, labels, images.rows(), images.columns(), 10);
    }
}
