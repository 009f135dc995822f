package io.github.bilevel.fuzz;

import io.github.bilevel.data.DataFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Runs a reader on fuzzed bytes and tells the rejections a reader is allowed from findings. */
final class Readers {
    private Readers() {
    }

    interface Reader<T> {
        T read(InputStream in, String name) throws IOException;
    }

    /**
     * The reader's result, or empty where it rejected the input as documented: a {@link DataFormatException} whose
     * message names the file (the command line reports it as bad input, exit code 2). The bytes are in memory, so no
     * IOException is a failure to read: any other exception, an IOException included, propagates and is a finding.
     */
    static <T> Optional<T> read(byte[] data, String name, Reader<T> reader) throws IOException {
        try {
            return Optional.of(reader.read(new ByteArrayInputStream(data), name));
        } catch (DataFormatException e) {
            if (e.getMessage() == null || !e.getMessage().contains(name)) {
                throw new AssertionError("the message does not name the file " + name, e);
            }
            return Optional.empty();
        }
    }

    static boolean isGzip(byte[] data) {
        return data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    }
}
