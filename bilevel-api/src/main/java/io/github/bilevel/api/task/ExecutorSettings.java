package io.github.bilevel.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * What an executor needs to run tasks as the driver would: the backend, dtype and compute threads per task of the
 * driver's runtime (a distributed executor creates the same runtime in each of its JVMs, so that a task's
 * hypergradient is the same bits wherever it runs), and the executor's own options (for example Spark's
 * {@code master}). Experimental.
 *
 * @param backend the backend id (empty: selected as the runtime selects one by default)
 * @param dtype   {@code float32} or {@code float64}
 * @param threads compute threads per task (at least 1)
 * @param options executor-specific settings
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ExecutorSettings(String backend, String dtype, int threads, Map<String, String> options)
        implements Serializable {
    public ExecutorSettings {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(dtype, "dtype");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        options = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(options, "options")));
    }

    /** The option {@code key}, or {@code fallback} when it is not set. */
    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }
}
