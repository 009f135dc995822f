package io.github.bilevel.data.miniimagenet;

import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.Episode;
import io.github.bilevel.data.ReadLimits;
import io.github.bilevel.data.internal.Bounded;
import io.github.bilevel.data.internal.Pixels;
import io.github.bilevel.data.internal.Sampling;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * MiniImagenet (Vinyals et al. 2016, splits of Ravi and Larochelle 2017) in its usual layout: {@code <dir>/<split>.csv}
 * with the header {@code filename,label} and one row per image, and the images in {@code <dir>/images/<filename>}
 * (84×84 RGB JPEG or PNG; other sizes are resized to 84×84 by area averaging). Classes are the labels in order of
 * first appearance in the CSV; images keep the CSV's order within a class.
 *
 * <p>Images are decoded when an episode needs them (the full training split is about 38,400 images), so an episode
 * reads {@code ways·(shots + queries)} files. Pixels are {@code channel / 255}, channel-major (red, green, blue planes).
 */
public final class MiniImagenet {
    /** The side of every image. */
    public static final int SIDE = 84;
    /** Colour channels per image. */
    public static final int CHANNELS = 3;

    private final Path csv;
    private final String[] labels;
    private final Path[][] images;
    private final ReadLimits limits;

    private MiniImagenet(Path csv, String[] labels, Path[][] images, ReadLimits limits) {
        this.csv = csv;
        this.labels = labels;
        this.images = images;
        this.limits = limits;
    }

    /** {@link #load(Path, String, ReadLimits)} with {@link ReadLimits#DEFAULT}. */
    public static MiniImagenet load(Path dir, String split) throws IOException {
        return load(dir, split, ReadLimits.DEFAULT);
    }

    /**
     * Reads {@code <dir>/<split>.csv} and checks that every image it names is a file in {@code <dir>/images}. Blank
     * lines are skipped.
     *
     * @param split the CSV's base name, e.g. {@code train}, {@code val} or {@code test}
     * @throws DataFormatException naming the file and row when the CSV is missing or a row is malformed (not two
     *     fields, an empty field, a file name with a path in it or one the file system cannot represent) or names a
     *     missing image
     */
    public static MiniImagenet load(Path dir, String split, ReadLimits limits) throws IOException {
        if (split.isEmpty() || split.contains("/") || split.contains("\\") || split.startsWith(".")) {
            throw new IllegalArgumentException("Split name " + split + " must be a plain name such as train");
        }
        Path csv = dir.resolve(split + ".csv");
        if (!Files.isRegularFile(csv)) {
            throw new DataFormatException("MiniImagenet: " + csv + " not found");
        }
        Path folder = dir.resolve("images");
        Map<String, List<Path>> byLabel = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header != null && header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            if (header == null || !header.strip().equals("filename,label")) {
                throw new DataFormatException(csv + " row 1: expected the header 'filename,label' but found "
                        + (header == null ? "an empty file" : "'" + abbreviate(header) + "'"));
            }
            String line;
            int row = 1;
            while ((line = in.readLine()) != null) {
                row++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                if (fields.length != 2) {
                    throw new DataFormatException(csv + " row " + row + ": expected 'filename,label' but found "
                            + fields.length + " fields in '" + abbreviate(line) + "'");
                }
                String file = fields[0].strip();
                String label = fields[1].strip();
                if (file.isEmpty() || label.isEmpty()) {
                    throw new DataFormatException(csv + " row " + row + ": empty " + (file.isEmpty() ? "filename"
                            : "label") + " in '" + abbreviate(line) + "'");
                }
                if (file.contains("/") || file.contains("\\") || file.equals(".") || file.equals("..")
                        || file.indexOf('\0') >= 0) {
                    throw new DataFormatException(csv + " row " + row + ": filename '" + abbreviate(file)
                            + "' must be a plain file name in " + folder);
                }
                Path image;
                try {
                    image = folder.resolve(file);
                } catch (InvalidPathException e) {
                    // e.g. a name outside ASCII where file names are ASCII (the C locale)
                    throw new DataFormatException(csv + " row " + row + ": filename '" + abbreviate(file)
                            + "' cannot name a file here (" + e.getReason() + ")", e);
                }
                if (!Files.isRegularFile(image)) {
                    throw new DataFormatException(csv + " row " + row + ": image " + image + " not found");
                }
                byLabel.computeIfAbsent(label, k -> new ArrayList<>()).add(image);
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataFormatException(csv + ": not UTF-8 text", e);
        }
        if (byLabel.isEmpty()) {
            throw new DataFormatException(csv + ": no images listed");
        }
        String[] labels = byLabel.keySet().toArray(new String[0]);
        Path[][] images = new Path[labels.length][];
        for (int c = 0; c < labels.length; c++) {
            images[c] = byLabel.get(labels[c]).toArray(new Path[0]);
        }
        return new MiniImagenet(csv, labels, images, limits);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** The number of classes (64 / 16 / 20 in the standard train / val / test splits). */
    public int classes() {
        return labels.length;
    }

    /** The class's label in the CSV, e.g. {@code n01532829}. */
    public String label(int c) {
        return labels[check(c)];
    }

    /** The number of images of class {@code c} (600 in the standard splits). */
    public int size(int c) {
        return images[check(c)].length;
    }

    /**
     * Image {@code i} of class {@code c} as {@code 3·84·84} floats in [0, 1], channel-major, decoded from its file.
     *
     * @throws DataFormatException naming the file when it cannot be decoded
     */
    public float[] image(int c, int i) throws IOException {
        if (i < 0 || i >= size(c)) {
            throw new IndexOutOfBoundsException("image " + i + " of class " + c + " outside [0, " + size(c) + ")");
        }
        float[] out = new float[CHANNELS * SIDE * SIDE];
        read(images[c][i], out, 0);
        return out;
    }

    private void read(Path file, float[] out, int offset) throws IOException {
        byte[] bytes = Bounded.readFile(file, new Bounded.Budget(limits, file.toString()));
        BufferedImage image = Pixels.decode(bytes, file.toString(), limits.maxImageSide());
        int w = image.getWidth();
        int h = image.getHeight();
        int[][] planes = Pixels.rgb(image);
        double scale = 255.0 * w * h;
        for (int ch = 0; ch < CHANNELS; ch++) {
            int base = offset + ch * SIDE * SIDE;
            if (w == SIDE && h == SIDE) {
                for (int p = 0; p < SIDE * SIDE; p++) {
                    out[base + p] = planes[ch][p] / 255f;
                }
            } else {
                long[] sums = Pixels.areaSums(planes[ch], w, h, SIDE);
                for (int p = 0; p < SIDE * SIDE; p++) {
                    out[base + p] = (float) (sums[p] / scale);
                }
            }
        }
    }

    /**
     * One {@code ways}-way {@code shots}-shot episode with {@code queries} queries per class; 3 channels, side 84. A
     * pure function of its arguments (and the files): with {@code java.util.Random(seed)}, the classes are the first
     * {@code ways} of a partial Fisher–Yates shuffle of the classes, label {@code i} the {@code i}-th drawn; then for
     * each class in turn {@code shots + queries} distinct images drawn the same way, the first {@code shots} to the
     * support set.
     *
     * @throws DataFormatException naming the class when any class has fewer than {@code shots + queries} images, or
     *     naming the file when an image cannot be decoded
     * @throws UncheckedIOException when an image file cannot be read
     */
    public Episode episode(long seed, int ways, int shots, int queries) {
        if (ways < 1 || shots < 1 || queries < 0 || ways > classes()) {
            throw new IllegalArgumentException("Need 1 <= ways <= " + classes() + ", shots >= 1 and queries >= 0, not "
                    + ways + ", " + shots + ", " + queries);
        }
        for (int c = 0; c < labels.length; c++) {
            if (images[c].length < shots + queries) {
                throw new DataFormatException("MiniImagenet class " + labels[c] + " in " + csv + " has "
                        + images[c].length + " images, fewer than shots + queries = " + (shots + queries));
            }
        }
        Random random = new Random(seed);
        int[] classes = Sampling.distinct(random, labels.length, ways);
        int features = CHANNELS * SIDE * SIDE;
        float[] support = new float[ways * shots * features];
        float[] query = new float[ways * queries * features];
        int[] supportLabels = new int[ways * shots];
        int[] queryLabels = new int[ways * queries];
        try {
            for (int label = 0; label < ways; label++) {
                Path[] files = images[classes[label]];
                int[] picked = Sampling.distinct(random, files.length, shots + queries);
                for (int i = 0; i < shots; i++) {
                    int row = label * shots + i;
                    read(files[picked[i]], support, row * features);
                    supportLabels[row] = label;
                }
                for (int i = 0; i < queries; i++) {
                    int row = label * queries + i;
                    read(files[picked[shots + i]], query, row * features);
                    queryLabels[row] = label;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Episode(support, supportLabels, query, queryLabels, ways, shots, queries, CHANNELS, SIDE);
    }

    private int check(int c) {
        if (c < 0 || c >= labels.length) {
            throw new IndexOutOfBoundsException("class " + c + " outside [0, " + labels.length + ")");
        }
        return c;
    }
}
