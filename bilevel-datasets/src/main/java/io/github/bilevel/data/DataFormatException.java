package io.github.bilevel.data;

/** A data file is malformed, truncated, or not what it claims to be; the message names the file and the problem. */
public final class DataFormatException extends IllegalArgumentException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
