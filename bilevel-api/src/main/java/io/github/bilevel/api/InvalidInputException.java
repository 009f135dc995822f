package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Input the user can fix: a configuration value, an option, an id that names nothing, a file that is not what it
 * should be. The command line exits with status 2 and prints the message alone; any other exception is a failure of
 * the program (status 1, stack trace with {@code --verbose}). The message says what was wrong, quotes the value and,
 * where it can, how to fix it.
 */
@API(status = STABLE, since = "0.1")
public class InvalidInputException extends IllegalArgumentException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
