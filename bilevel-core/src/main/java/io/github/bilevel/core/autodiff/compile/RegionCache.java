package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.api.tensor.TensorFunction;
import io.github.bilevel.core.autodiff.graph.GraphExecution;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The compiled regions of one engine ({@link io.github.bilevel.api.tensor.Ops#compiled}), by key, and the kernels each
 * thread runs on. Idle regions are kept by key, least recently used key first; at most {@link #MAX_REGIONS} keys, the
 * oldest key's idle regions closed. A thread takes a region out of its key's pool for the duration of a run, so that
 * runs of one key on several threads (the tasks of a meta-batch) proceed at the same time, each on a region of its
 * own; a region goes back to its pool after the run, or is closed if its key was evicted meanwhile (ADR 0012).
 */
public final class RegionCache implements AutoCloseable {
    private static final int MAX_REGIONS = 32;

    private final Backend backend;
    private final ThreadLocal<Backend> kernels = new ThreadLocal<>();
    private final LinkedHashMap<Object, ArrayDeque<Region>> regions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, ArrayDeque<Region>> eldest) {
            if (size() > MAX_REGIONS) {
                eldest.getValue().forEach(Region::close);
                eldest.getValue().clear();
                return true;
            }
            return false;
        }
    };
    // Open compiled functions: closed with the engine unless their users close them first.
    private final java.util.Set<CompiledFunction> functions =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()); // guarded by regions
    private boolean closed; // guarded by regions

    public RegionCache(Backend backend) {
        this.backend = backend;
    }

    /** The kernels this thread runs on: the backend, or a recorder or replayer inside a compiled region. */
    public Backend kernels() {
        Backend k = kernels.get();
        return k == null ? backend : k;
    }

    /** The recorder or replayer of this thread's region, or null outside a compiled region. */
    public Backend regionKernels() {
        return kernels.get();
    }

    /** Makes {@code k} (a value of {@link #regionKernels}, possibly null) this thread's region kernels again. */
    public void restoreRegionKernels(Backend k) {
        if (k == null) {
            kernels.remove();
        } else {
            kernels.set(k);
        }
    }

    /** Runs {@code body} as the compiled region {@code key}; eagerly where the backend has no compiler, or nested. */
    public <T> T compiled(Object key, Supplier<T> body) {
        if (kernels.get() != null) {
            return body.get();
        }
        Optional<GraphCompiler> compiler = GraphExecution.forBackend(backend);
        if (compiler.isEmpty()) {
            return body.get();
        }
        Region region;
        ArrayDeque<Region> pool;
        synchronized (regions) {
            pool = regions.computeIfAbsent(key, k -> new ArrayDeque<>());
            region = pool.isEmpty() ? new Region() : pool.pop();
        }
        try {
            return Compilation.run(region, backend, compiler.get(), body, this::restoreRegionKernels);
        } finally {
            synchronized (regions) {
                if (regions.get(key) == pool && !closed) {
                    pool.push(region);
                } else {
                    region.close(); // evicted (or the engine closed) while this run had it
                }
            }
        }
    }

    /**
     * {@link io.github.bilevel.api.tensor.Ops#function} on this engine's backend, or empty where it does not compile;
     * closed with this cache.
     */
    public Optional<TensorFunction> function(Function<List<Tensor>, List<Tensor>> body, CompiledFunction.Host host) {
        Optional<GraphCompiler> compiler = GraphExecution.forBackend(backend);
        if (compiler.isEmpty()) {
            return Optional.empty();
        }
        CompiledFunction f = new CompiledFunction(backend, compiler.get(), this, host, body);
        synchronized (regions) {
            if (closed) {
                throw new IllegalStateException("The engine was closed");
            }
            functions.add(f);
        }
        return Optional.of(f);
    }

    /** A function closed by its user: the engine no longer needs to close it. */
    void forget(CompiledFunction f) {
        synchronized (regions) {
            functions.remove(f);
        }
    }

    /** {@link io.github.bilevel.api.tensor.Ops#stepBoundary}: recorded or checked inside a region, else nothing. */
    public void stepBoundary() {
        Backend k = kernels.get();
        if (k != null) {
            Compilation.boundary(k);
        }
    }

    /** Closes every idle region; a region in use closes when its run ends. */
    @Override
    public void close() {
        List<CompiledFunction> open;
        synchronized (regions) {
            closed = true;
            open = List.copyOf(functions);
            functions.clear();
            regions.values().forEach(pool -> pool.forEach(Region::close));
            regions.clear();
        }
        open.forEach(CompiledFunction::close); // outside the lock: a function's close takes its own lock first
    }
}
