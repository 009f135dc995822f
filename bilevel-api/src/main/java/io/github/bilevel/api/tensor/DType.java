package io.github.bilevel.api.tensor;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** Element type of a tensor. Both types are supported by every backend; derivative checks use {@link #FLOAT64}. */
@API(status = STABLE, since = "0.1")
public enum DType {
    /** IEEE 754 single precision, 4 bytes per element. */
    FLOAT32(4),
    /** IEEE 754 double precision, 8 bytes per element. */
    FLOAT64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Parses {@code float32} / {@code float64} (case-insensitive), as written in configuration files and on the command line. */
    public static DType parse(String name) {
        for (DType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown dtype '" + name + "'. Use float32 or float64.");
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
