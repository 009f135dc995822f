package io.github.bilevel.core.discovery;

/** No backend could be selected; the message names what was found and how to fix it. */
public final class BackendSelectionException extends IllegalStateException {
    public BackendSelectionException(String message) {
        super(message);
    }
}
