package io.github.bilevel.api.spi;

/**
 * Marker for optional backend features (compiled execution, fused kernels, accelerators). Callers ask
 * {@link Backend#capability(Class)} for the interface they need and fall back when it is absent; nobody checks a
 * backend's name.
 */
public interface Capability {
}
