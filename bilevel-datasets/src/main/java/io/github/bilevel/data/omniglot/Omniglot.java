package io.github.bilevel.data.omniglot;

import io.github.bilevel.data.Checksums;
import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.ReadLimits;
import io.github.bilevel.data.internal.Bounded;
import io.github.bilevel.data.internal.Pixels;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Omniglot (Lake, Salakhutdinov and Tenenbaum, Science 2015): 1,623 handwritten characters from 50 alphabets, 20
 * drawings of each, as {@value #SIDE}×{@value #SIDE} grey images with ink 1.0 and background 0.0.
 *
 * <p>Two sources:
 * <ul>
 *   <li>{@link #embedded()}: the compact copy shipped in this module, every character and drawing at
 *       {@value #EMBEDDED_BITS} bits per pixel (16 grey levels; docs/FORMATS.md, tools/make_omniglot_compact.py);</li>
 *   <li>{@link #load(Path)}: the official files, grey values at 8-bit precision. {@code load(dir).quantized(4)} is
 *       pixel for pixel the embedded copy.</li>
 * </ul>
 *
 * <p><b>Resizing.</b> The official drawings are 105×105 one-bit images. Each is reduced to 28×28 by area averaging (a
 * box filter): an output pixel is the fraction of the 3.75×3.75 source square it covers that is ink, source pixels
 * partly covered counting in proportion. The fraction is rounded to a multiple of 1/255 (round half up). Other image
 * sizes and grey images are reduced the same way, ink being the darkness {@code 1 − grey}.
 *
 * <p><b>Order.</b> Characters of images_background come first (the first {@link #backgroundCharacters()}), then those
 * of images_evaluation. Within each, characters are ordered by the official character id that starts their file names
 * ({@code 0001_01.png}: id 1, drawer 01), so character {@code c} of the full set has id {@code c + 1}; characters
 * whose files carry no id come last, by alphabet and character folder name. Drawings are ordered by file name.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Omniglot {
    /** The side of every image. */
    public static final int SIDE = 28;
    /** Bits per pixel of the embedded copy. */
    public static final int EMBEDDED_BITS = 4;
    /** The embedded copy, in the module's resources. */
    static final String RESOURCE = "/io/github/bilevel/data/omniglot/omniglot28.bin.gz";
    static final String BACKGROUND = "images_background";
    static final String EVALUATION = "images_evaluation";
    private static final int PIXELS = SIDE * SIDE;
    private static SoftReference<Omniglot> embedded = new SoftReference<>(null);

    private final String[] alphabets;
    private final String[] characterNames;
    private final int[] first;
    private final byte[] levels;
    private final int bits;
    private final float[] values;
    private final int background;

    /**
     * @param first image index of each character's first drawing, and the image count last ({@code characters + 1}
     *     entries)
     * @param levels {@code SIDE·SIDE} pixel levels per image, {@code 0 .. 2^bits − 1} as unsigned bytes
     */
    Omniglot(String[] alphabets, String[] characterNames, int[] first, byte[] levels, int bits, int background) {
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8) {
            throw new IllegalArgumentException("bits per pixel must be 1, 2, 4 or 8, not " + bits);
        }
        if (alphabets.length != characterNames.length || first.length != alphabets.length + 1
                || levels.length != (long) first[first.length - 1] * PIXELS) {
            throw new IllegalArgumentException("Inconsistent Omniglot arrays");
        }
        this.alphabets = alphabets;
        this.characterNames = characterNames;
        this.first = first;
        this.levels = levels;
        this.bits = bits;
        this.background = background;
        int max = (1 << bits) - 1;
        this.values = new float[max + 1];
        for (int i = 0; i <= max; i++) {
            values[i] = (float) i / max;
        }
    }

    /**
     * The compact copy shipped in this module: all 1,623 characters × 20 drawings, {@value #EMBEDDED_BITS} bits per
     * pixel (values {@code k/15}). Read once and then shared while memory allows.
     */
    public static synchronized Omniglot embedded() throws IOException {
        Omniglot data = embedded.get();
        if (data == null) {
            try (InputStream in = Omniglot.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("Embedded Omniglot file " + RESOURCE
                            + " is missing from bilevel-datasets");
                }
                data = CompactFormat.read(in, "embedded Omniglot");
            }
            embedded = new SoftReference<>(data);
        }
        return data;
    }

    /** The SHA-256 of the embedded omniglot28.bin.gz ({@link Checksums}). */
    public static String embeddedSha256() {
        return Checksums.ofResources(Omniglot.class, RESOURCE);
    }

    /**
     * The checksum ({@link Checksums}) of the files {@link #load(Path)} reads from {@code dir}: each part's zip, or,
     * for a part given as a folder, every PNG file in it.
     *
     * @throws DataFormatException when a part is missing
     */
    public static String sha256(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String part : new String[] {BACKGROUND, EVALUATION}) {
            Path zip = dir.resolve(part + ".zip");
            Path folder = dir.resolve(part);
            if (Files.isRegularFile(zip)) {
                files.add(zip);
            } else if (Files.isDirectory(folder)) {
                try (var walk = Files.walk(folder, 3)) {
                    walk.filter(p -> p.getNameCount() == folder.getNameCount() + 3 && Files.isRegularFile(p)
                            && isImage(p.getFileName().toString())
                            && !p.getParent().getFileName().toString().startsWith(".")
                            && !p.getParent().getParent().getFileName().toString().startsWith("."))
                            .forEach(files::add);
                }
            } else {
                throw new DataFormatException("Omniglot: " + dir + " has neither " + part + ".zip nor a folder "
                        + part);
            }
        }
        return Checksums.sha256(dir, files);
    }

    /** {@link #load(Path, ReadLimits)} with {@link ReadLimits#DEFAULT}. */
    public static Omniglot load(Path dir) throws IOException {
        return load(dir, ReadLimits.DEFAULT);
    }

    /**
     * Reads the official layout: {@code images_background} and {@code images_evaluation} in {@code dir}, each as a
     * zip ({@code images_background.zip}, preferred when both are there) or a folder, holding
     * {@code images_background/<Alphabet>/<characterNN>/<CCCC_DD>.png}. Other entries are ignored (after their names
     * are checked). Grey values are at 8-bit precision: {@link #bits()} is 8.
     *
     * @throws DataFormatException naming the file when {@code dir}, a part or an image is missing, unreadable or
     *     corrupt, a zip entry name escapes the archive, or a {@code limits} is exceeded
     */
    public static Omniglot load(Path dir, ReadLimits limits) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException("Omniglot data directory " + dir + " does not exist or is not a folder");
        }
        List<CharacterFiles> characters = new ArrayList<>();
        int background = 0;
        for (String part : new String[] {BACKGROUND, EVALUATION}) {
            List<CharacterFiles> found = readPart(dir, part, limits);
            found.sort(CharacterFiles.ORDER);
            characters.addAll(found);
            if (part.equals(BACKGROUND)) {
                background = found.size();
            }
        }
        int count = characters.size();
        String[] alphabets = new String[count];
        String[] names = new String[count];
        int[] first = new int[count + 1];
        for (int c = 0; c < count; c++) {
            alphabets[c] = characters.get(c).alphabet;
            names[c] = characters.get(c).name;
            first[c + 1] = first[c] + characters.get(c).drawings.size();
        }
        byte[] levels = new byte[first[count] * PIXELS];
        for (int c = 0; c < count; c++) {
            int i = first[c];
            for (Drawing d : characters.get(c).drawings.values()) {
                System.arraycopy(d.levels, 0, levels, i++ * PIXELS, PIXELS);
            }
        }
        return new Omniglot(alphabets, names, first, levels, 8, background);
    }

    /** One character while reading: its drawings by file name. */
    private static final class CharacterFiles {
        static final Comparator<CharacterFiles> ORDER = Comparator.<CharacterFiles>comparingLong(c -> c.id)
                .thenComparing(c -> c.alphabet).thenComparing(c -> c.name);
        final String alphabet;
        final String name;
        final Map<String, Drawing> drawings = new TreeMap<>();
        long id = Long.MAX_VALUE;

        CharacterFiles(String alphabet, String name) {
            this.alphabet = alphabet;
            this.name = name;
        }

        void add(String file, byte[] levels) {
            drawings.put(file, new Drawing(levels));
            int underscore = file.indexOf('_');
            String prefix = underscore > 0 ? file.substring(0, underscore) : "";
            if (!prefix.isEmpty() && prefix.length() <= 9 && prefix.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                id = Math.min(id, Long.parseLong(prefix));
            }
        }
    }

    private record Drawing(byte[] levels) {
    }

    private static boolean isImage(String file) {
        return !file.startsWith(".") && file.toLowerCase(Locale.ROOT).endsWith(".png");
    }

    private static List<CharacterFiles> readPart(Path dir, String part, ReadLimits limits) throws IOException {
        Map<String, CharacterFiles> byPath = new TreeMap<>();
        Path zip = dir.resolve(part + ".zip");
        Path folder = dir.resolve(part);
        String source;
        if (Files.isRegularFile(zip)) {
            source = zip.toString();
            Bounded.readZip(zip, limits, name -> {
                String[] s = name.split("/", -1);
                return s.length == 4 && s[0].equals(part) && !s[1].isEmpty() && !s[2].isEmpty() && isImage(s[3]);
            }, (name, bytes) -> {
                String[] s = name.split("/");
                add(byPath, s[1], s[2], s[3], bytes, zip + "!" + name, limits);
            });
        } else if (Files.isDirectory(folder)) {
            source = folder.toString();
            Bounded.Budget budget = new Bounded.Budget(limits, folder.toString());
            for (Path alphabet : sorted(folder)) {
                if (!Files.isDirectory(alphabet) || alphabet.getFileName().toString().startsWith(".")) {
                    continue;
                }
                for (Path character : sorted(alphabet)) {
                    if (!Files.isDirectory(character) || character.getFileName().toString().startsWith(".")) {
                        continue;
                    }
                    for (Path file : sorted(character)) {
                        if (Files.isRegularFile(file) && isImage(file.getFileName().toString())) {
                            add(byPath, alphabet.getFileName().toString(), character.getFileName().toString(),
                                    file.getFileName().toString(), Bounded.readFile(file, budget), file.toString(),
                                    limits);
                        }
                    }
                }
            }
        } else {
            throw new DataFormatException("Omniglot: " + dir + " has neither " + part + ".zip nor a folder " + part);
        }
        if (byPath.isEmpty()) {
            throw new DataFormatException("Omniglot: " + source + " holds no images at " + part
                    + "/<alphabet>/<character>/<drawing>.png");
        }
        return new ArrayList<>(byPath.values());
    }

    private static List<Path> sorted(Path folder) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder)) {
            s.forEach(out::add);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    private static void add(Map<String, CharacterFiles> byPath, String alphabet, String character, String file,
            byte[] bytes, String name, ReadLimits limits) {
        byPath.computeIfAbsent(alphabet + "/" + character, k -> new CharacterFiles(alphabet, character))
                .add(file, reduce(Pixels.decode(bytes, name, limits.maxImageSide())));
    }

    /** Area averaging of the ink onto {@code SIDE × SIDE}, rounded to 8-bit levels (see the class comment). */
    static byte[] reduce(java.awt.image.BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] ink = Pixels.grey(image);
        for (int i = 0; i < ink.length; i++) {
            ink[i] = 255 - ink[i];
        }
        long[] sums = Pixels.areaSums(ink, w, h, SIDE);
        long area = (long) w * h;
        byte[] out = new byte[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            out[i] = (byte) ((2 * sums[i] + area) / (2 * area));
        }
        return out;
    }

    /** The number of characters: 1,623 for the full set. */
    public int characters() {
        return alphabets.length;
    }

    /** The number of characters that come from images_background (964 for the full set); they come first. */
    public int backgroundCharacters() {
        return background;
    }

    /** The number of drawings of {@code character}: 20 in the full set. */
    public int drawings(int character) {
        checkCharacter(character);
        return first[character + 1] - first[character];
    }

    /**
     * One drawing as {@code SIDE·SIDE} floats, row-major, ink 1.0 and background 0.0, grey in between. A fresh copy
     * each call: the caller may change it.
     */
    public float[] image(int character, int drawing) {
        float[] out = new float[PIXELS];
        copy(character, drawing, 0, out, 0);
        return out;
    }

    /**
     * Writes drawing {@code drawing} of {@code character} turned by {@code quarterTurns} × 90° counter-clockwise into
     * {@code out} at {@code offset}: with {@code n = SIDE − 1}, turn 1 maps {@code out[y][x] = in[x][n − y]}, turn 2
     * {@code in[n − y][n − x]}, turn 3 {@code in[n − x][y]} (as numpy.rot90).
     */
    void copy(int character, int drawing, int quarterTurns, float[] out, int offset) {
        int base = index(character, drawing) * PIXELS;
        int n = SIDE - 1;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int source = switch (quarterTurns & 3) {
                    case 0 -> y * SIDE + x;
                    case 1 -> x * SIDE + n - y;
                    case 2 -> (n - y) * SIDE + n - x;
                    default -> (n - x) * SIDE + y;
                };
                out[offset + y * SIDE + x] = values[levels[base + source] & 0xff];
            }
        }
    }

    /** The pixel level {@code 0 .. 2^bits − 1} of one pixel; its value is {@code level / (2^bits − 1)}. */
    public int level(int character, int drawing, int pixel) {
        if (pixel < 0 || pixel >= PIXELS) {
            throw new IndexOutOfBoundsException("pixel " + pixel + " outside [0, " + PIXELS + ")");
        }
        return levels[index(character, drawing) * PIXELS + pixel] & 0xff;
    }

    /** {@code "<Alphabet>/<characterNN>"}, e.g. {@code "Latin/character01"}. */
    public String name(int character) {
        checkCharacter(character);
        return alphabets[character] + "/" + characterNames[character];
    }

    /** The alphabet's folder name, e.g. {@code "Latin"}. */
    public String alphabet(int character) {
        checkCharacter(character);
        return alphabets[character];
    }

    /** Bits per pixel: 8 for {@link #load}, {@value #EMBEDDED_BITS} for {@link #embedded()}. */
    public int bits() {
        return bits;
    }

    /**
     * The same images with fewer grey levels: level {@code l} of {@code B} bits becomes
     * {@code round(l·(2^bits − 1)/(2^B − 1))}, half rounded up. {@code load(dir).quantized(EMBEDDED_BITS)} equals the
     * embedded copy when {@code dir} holds the official files.
     *
     * @param bits 1, 2, 4 or 8, at most {@link #bits()}
     */
    public Omniglot quantized(int bits) {
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8 || bits > this.bits) {
            throw new IllegalArgumentException("Cannot quantize " + this.bits + "-bit images to " + bits
                    + " bits (1, 2, 4 or 8, at most " + this.bits + ")");
        }
        if (bits == this.bits) {
            return this;
        }
        long to = (1 << bits) - 1;
        long from = (1 << this.bits) - 1;
        byte[] out = new byte[levels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((2 * to * (levels[i] & 0xff) + from) / (2 * from));
        }
        return new Omniglot(alphabets, characterNames, first, out, bits, background);
    }

    /**
     * Splits the characters into meta-training, validation and test sets: a Fisher–Yates shuffle of
     * {@code 0..characters()−1} with {@code java.util.Random(seed)} (step {@code i} from the last position down swaps
     * it with {@code nextInt(i + 1)}), the first {@code round(C·1200/1623)} to training, the next
     * {@code round(C·100/1623)} to validation, the rest to test: 1,200 / 100 / 323 for the full set.
     */
    public Split split(long seed) {
        int count = characters();
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int train = (int) ((count * 2400L + 1623) / 3246);
        int validation = (int) ((count * 200L + 1623) / 3246);
        int[] a = Arrays.copyOfRange(order, 0, train);
        int[] b = Arrays.copyOfRange(order, train, train + validation);
        int[] c = Arrays.copyOfRange(order, train + validation, count);
        Arrays.sort(a);
        Arrays.sort(b);
        Arrays.sort(c);
        return new Split(a, b, c);
    }

    private void checkCharacter(int character) {
        if (character < 0 || character >= alphabets.length) {
            throw new IndexOutOfBoundsException("character " + character + " outside [0, " + alphabets.length + ")");
        }
    }

    private int index(int character, int drawing) {
        int n = drawings(character);
        if (drawing < 0 || drawing >= n) {
            throw new IndexOutOfBoundsException("drawing " + drawing + " of character " + character + " outside [0, "
                    + n + ")");
        }
        return first[character] + drawing;
    }

    @Override
    public String toString() {
        return "Omniglot[" + characters() + " characters, " + first[first.length - 1] + " images, " + bits
                + " bits per pixel]";
    }
}
