package io.github.bilevel.data;

/**
 * Limits on what a reader takes from a zip archive or a folder of image files. Sizes are counted while the bytes are
 * read (after decompression), never taken from the archive's headers; going over a limit is a
 * {@link DataFormatException} naming the archive and the entry.
 *
 * @param maxEntryBytes the largest uncompressed entry or file accepted, in bytes
 * @param maxTotalBytes the most uncompressed bytes read from one archive or folder in all
 * @param maxEntries the most entries one archive may hold (directories included)
 * @param maxImageSide the largest image width or height accepted, checked before the pixels are decoded
 */
public record ReadLimits(long maxEntryBytes, long maxTotalBytes, int maxEntries, int maxImageSide) {
    /** 16 MiB per entry, 4 GiB in all, a million entries, images up to 4096 pixels a side. */
    public static final ReadLimits DEFAULT = new ReadLimits(16L << 20, 4L << 30, 1_000_000, 4096);

    public ReadLimits {
        if (maxEntryBytes < 1 || maxTotalBytes < 1 || maxEntries < 1 || maxImageSide < 1) {
            throw new IllegalArgumentException("Read limits must be positive: " + maxEntryBytes + ", " + maxTotalBytes
                    + ", " + maxEntries + ", " + maxImageSide);
        }
    }
}
