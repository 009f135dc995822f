package io.github.bilevel.core.autodiff.compile;

/** A replayed run departed from the record. */
final class Mismatch extends RuntimeException {
    Mismatch(String message) {
        super(message, null, false, false);
    }
}
