package io.github.bilevel.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 checksums of the data a run reads, recorded with the run so that a later run (or a resumed one) can tell
 * whether it saw the same bytes. One file: its SHA-256, as {@code sha256sum FILE} prints it. Several files: the
 * SHA-256 of their {@code sha256sum} listing ({@code <hex>  <name>\n} per file, names relative to the data folder with
 * {@code /} separators, sorted), the same as {@code sha256sum $(find ... | sort) | sha256sum} run in that folder.
 */
public final class Checksums {
    private Checksums() {
    }

    /** The hex SHA-256 of the bytes. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest md = digest();
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
            md.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    /** The checksum of {@code files} (see the class comment), names taken relative to {@code base}. */
    public static String sha256(Path base, List<Path> files) throws IOException {
        Map<String, String> named = new TreeMap<>();
        for (Path f : files) {
            named.put(base.relativize(f).toString().replace('\\', '/'), sha256(f));
        }
        return ofListing(named);
    }

    /**
     * The checksum of named parts whose own SHA-256s are given (see the class comment): the digest itself for one
     * part, otherwise the SHA-256 of the sorted {@code sha256sum} listing.
     */
    public static String ofListing(Map<String, String> sha256ByName) {
        if (sha256ByName.isEmpty()) {
            throw new IllegalArgumentException("No files to checksum");
        }
        if (sha256ByName.size() == 1) {
            return sha256ByName.values().iterator().next();
        }
        StringBuilder listing = new StringBuilder();
        new TreeMap<>(sha256ByName).forEach((name, hex) -> listing.append(hex).append("  ").append(name).append('\n'));
        return HexFormat.of().formatHex(digest().digest(listing.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The checksum of resources of {@code owner}'s module, each named by its last path segment. */
    public static String ofResources(Class<?> owner, String... resources) {
        Map<String, String> named = new TreeMap<>();
        for (String r : resources) {
            try (InputStream in = owner.getResourceAsStream(r)) {
                if (in == null) {
                    throw new IllegalStateException("Embedded data file " + r + " is missing from bilevel-datasets");
                }
                named.put(r.substring(r.lastIndexOf('/') + 1), sha256(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read embedded data file " + r + ": " + e.getMessage(), e);
            }
        }
        return ofListing(named);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
