package io.github.bilevel.api.spi;

/**
 * Describes where a backend computes: an optional capability.
 *
 * @param device for example {@code "cpu"} or {@code "cuda:0"}
 * @param detail library and version details for logs and benchmark reports
 */
public record DeviceInfo(String device, String detail) implements Capability {
}
