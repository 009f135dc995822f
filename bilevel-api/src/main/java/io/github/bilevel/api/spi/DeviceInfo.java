package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Describes where a backend computes: an optional capability.
 *
 * @param device for example {@code "cpu"} or {@code "cuda:0"}
 * @param detail library and version details for logs and benchmark reports
 */
@API(status = STABLE, since = "0.1")
public record DeviceInfo(String device, String detail) implements Capability {
}
