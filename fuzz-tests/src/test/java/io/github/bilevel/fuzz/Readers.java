package io.github.bilevel.fuzz;

import io.github.bilevel.data.DataFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;

/** Runs a reader on fuzzed bytes and tells the rejections a reader is allowed from findings. */
final class Readers {
    private Readers() {
    }

    interface Reader<T> {
        T read(InputStream in, String name) throws IOException;
    }

    /** A reader of files on disk (a folder, a zip, a CSV with the images it names). */
    interface Load<T> {
        T load() throws IOException;
    }

    /**
     * The reader's result, or empty where it rejected the input as documented: a {@link DataFormatException} whose
     * message names the file (the command line reports it as bad input, exit code 2). The bytes are in memory, so no
     * IOException is a failure to read: any other exception, an IOException included, propagates and is a finding.
     */
    static <T> Optional<T> read(byte[] data, String name, Reader<T> reader) throws IOException {
        return load(() -> reader.read(new ByteArrayInputStream(data), name), name);
    }

    /**
     * The loader's result, or empty where it rejected its files with a {@link DataFormatException} whose message
     * names one of {@code names} (a file, or a folder that holds the file). The files were just written, so an
     * IOException is no failure to read: it propagates and is a finding, like any other exception.
     */
    static <T> Optional<T> load(Load<T> load, String... names) throws IOException {
        try {
            return Optional.of(load.load());
        } catch (DataFormatException e) {
            String message = e.getMessage();
            if (message == null || Arrays.stream(names).noneMatch(message::contains)) {
                throw new AssertionError("the message does not name " + String.join(" or ", names), e);
            }
            return Optional.empty();
        }
    }

    static boolean isGzip(byte[] data) {
        return data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    }
}
