package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Marker for optional backend features (compiled execution, fused kernels, accelerators). Callers ask
 * {@link Backend#capability(Class)} for the interface they need and fall back when it is absent; nobody checks a
 * backend's name.
 */
@API(status = STABLE, since = "0.1")
public interface Capability {
}
