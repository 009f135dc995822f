package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Settings a backend receives when it is created.
 *
 * @param threads number of compute threads; 0 means the backend's default
 */
@API(status = STABLE, since = "0.1")
public record BackendConfig(int threads) {
    public BackendConfig {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }

    public static BackendConfig defaults() {
        return new BackendConfig(0);
    }
}
