package io.github.bilevel.api.spi;

/**
 * Settings a backend receives when it is created.
 *
 * @param threads number of compute threads; 0 means the backend's default
 */
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
