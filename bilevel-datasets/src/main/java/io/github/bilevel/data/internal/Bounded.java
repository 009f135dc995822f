package io.github.bilevel.data.internal;

import io.github.bilevel.data.DataFormatException;
import io.github.bilevel.data.ReadLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads zip entries and files under {@link ReadLimits}: the bytes are counted as they are read (headers are not
 * trusted), and entry names that would escape the archive's root are refused ("zip slip").
 */
public final class Bounded {
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    /** What has been read so far from one archive or folder. */
    public static final class Budget {
        private final ReadLimits limits;
        private final String source;
        private long total;
        private int entries;

        public Budget(ReadLimits limits, String source) {
            this.limits = limits;
            this.source = source;
        }

        public ReadLimits limits() {
            return limits;
        }

        void entry(String name) {
            if (++entries > limits.maxEntries()) {
                throw new DataFormatException(source + ": more than " + limits.maxEntries() + " entries (at " + name
                        + ")");
            }
        }

        void bytes(String name, long n) {
            total += n;
            if (total > limits.maxTotalBytes()) {
                throw new DataFormatException(source + ": entries total more than the limit of "
                        + limits.maxTotalBytes() + " bytes (at " + name + ")");
            }
        }
    }

    /** Receives one wanted entry's bytes. */
    @FunctionalInterface
    public interface EntryReader {
        void read(String name, byte[] bytes) throws IOException;
    }

    /** Decides from an entry's name whether its bytes are wanted. */
    @FunctionalInterface
    public interface Wanted {
        boolean test(String name);
    }

    private Bounded() {
    }

    /**
     * Checks every entry name of {@code zip} and hands the bytes of each wanted file entry to {@code reader}, in the
     * archive's order.
     *
     * @throws DataFormatException naming the zip (and the entry) when the archive is unreadable, an entry name is
     *     absolute or has a {@code ..} segment, or a limit is exceeded
     */
    public static void readZip(Path zip, ReadLimits limits, Wanted wanted, EntryReader reader) throws IOException {
        Budget budget = new Budget(limits, zip.toString());
        ZipFile file;
        try {
            file = new ZipFile(zip.toFile());
        } catch (ZipException | java.io.EOFException e) {
            // EOFException: the end record declares a comment longer than the rest of the file
            throw new DataFormatException(zip + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
        try (file) {
            if (file.size() > limits.maxEntries()) {
                throw new DataFormatException(zip + ": declares " + file.size() + " entries, more than the limit of "
                        + limits.maxEntries());
            }
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry;
                try {
                    entry = entries.nextElement();
                } catch (IllegalArgumentException | IllegalStateException e) {
                    // ZipFile reports an undecodable entry name or a malformed central directory this way
                    throw new DataFormatException(zip + ": malformed zip archive (" + e.getMessage() + ")", e);
                }
                String name = entry.getName();
                budget.entry(name);
                checkName(zip.toString(), name);
                if (entry.isDirectory() || !wanted.test(name)) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = file.getInputStream(entry)) {
                    bytes = read(in, zip + "!" + name, name, budget);
                } catch (ZipException | java.io.EOFException e) {
                    throw new DataFormatException(zip + ": entry " + name + " is corrupt (" + e.getMessage() + ")", e);
                }
                reader.read(name, bytes);
            }
        }
    }

    /**
     * Refuses entry names that are absolute ({@code /x}, {@code \x}, {@code C:x}) or have a {@code ..} segment.
     *
     * @throws DataFormatException naming the zip and the entry
     */
    public static void checkName(String zip, String name) {
        boolean escapes = name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || DRIVE.matcher(name)
                .matches() || name.indexOf('\0') >= 0;
        for (String segment : name.split("[/\\\\]")) {
            escapes |= segment.equals("..");
        }
        if (escapes) {
            throw new DataFormatException(zip + ": entry " + name
                    + " escapes the archive (empty or absolute path, or a '..' segment)");
        }
    }

    /** Reads a regular file under the limits, counting against {@code budget}. */
    public static byte[] readFile(Path file, Budget budget) throws IOException {
        budget.entry(file.toString());
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), file.toString(), budget);
        }
    }

    private static byte[] read(InputStream in, String what, String name, Budget budget) throws IOException {
        long max = budget.limits.maxEntryBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        byte[] buffer = new byte[8192];
        long count = 0;
        int n;
        while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, max - count + 1))) > 0) {
            count += n;
            if (count > max) {
                throw new DataFormatException(what + ": larger than the limit of " + max + " bytes per entry");
            }
            budget.bytes(name, n);
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
