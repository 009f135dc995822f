package io.github.bilevel.data;

import io.github.bilevel.api.InvalidInputException;

/**
 * A data file is malformed, truncated, or not what it claims to be; the message names the file and the problem. Input
 * the user can fix, so the command exits with status 2.
 */
public final class DataFormatException extends InvalidInputException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
