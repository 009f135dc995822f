package io.github.bilevel.core.runtime;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientSpec;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.discovery.BackendSelector;
import io.github.bilevel.core.discovery.Discovered;
import io.github.bilevel.core.discovery.ProvidersById;
import io.github.bilevel.core.discovery.ServiceDiscovery;
import io.github.bilevel.support.HyperparameterValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An assembled runtime: the selected backend, an engine on it, and the discovered strategies and solvers. Built with
 * {@link #builder()}; no global state, so several runtimes (even on different backends) can live in one JVM.
 * Closing it frees every tensor still held and the backend.
 *
 * <pre>{@code
 * try (BilevelRuntime rt = BilevelRuntime.builder().dtype(DType.FLOAT64).build()) {
 *     Ops ops = rt.ops();
 *     ...
 * }
 * }</pre>
 */
public final class BilevelRuntime implements AutoCloseable {
    private final Injector injector;
    private final Engine engine;
    private final Backend backend;
    private final BackendProvider provider;
    private boolean closed;

    private BilevelRuntime(Injector injector) {
        this.injector = injector;
        this.provider = injector.getInstance(BackendProvider.class);
        this.backend = injector.getInstance(Backend.class);
        this.engine = injector.getInstance(Engine.class);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The differentiable operations on the selected backend. */
    public Ops ops() {
        return engine;
    }

    public Engine engine() {
        return engine;
    }

    public Backend backend() {
        return backend;
    }

    /** The id of the selected backend. */
    public String backendId() {
        return provider.id();
    }

    /** The selected backend's one-line description, for example its library and version. */
    public String backendDescription() {
        return provider.description();
    }

    /**
     * The compute threads the backend was created with: the builder's count, or where that is 0 the backend's default
     * for this machine ({@link BackendProvider#defaultThreads}). Callers running tasks in parallel run this many.
     */
    public int threads() {
        return BilevelModule.threads(provider, injector.getInstance(RuntimeSettings.class));
    }

    /** The discovered strategies, in discovery order. */
    public List<HypergradientStrategy> strategies() {
        return strategiesById().all();
    }

    /** The discovered inner solvers, in discovery order. */
    public List<InnerSolver> solvers() {
        return solversById().all();
    }

    /**
     * A fresh instance of the inner solver with this id (its public no-argument constructor).
     *
     * @throws IllegalArgumentException listing the known ids if there is none
     */
    public InnerSolver newSolver(String id) {
        InnerSolver s = solversById().get(id);
        try {
            return s.getClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create inner solver " + id + ": " + e, e);
        }
    }

    /**
     * The strategy with this id.
     *
     * @throws IllegalArgumentException listing the known ids if there is none
     */
    public HypergradientStrategy strategy(String id) {
        return strategiesById().get(id);
    }

    /** @throws ProvidersById.DuplicateProviderException if two strategies have one id */
    private ProvidersById<HypergradientStrategy> strategiesById() {
        return ProvidersById.of("hypergradient strategy", injector.getInstance(
                Key.get(new TypeLiteral<Discovered<HypergradientStrategy>>() { })), HypergradientStrategy::id);
    }

    private ProvidersById<InnerSolver> solversById() {
        return ProvidersById.of("inner solver", injector.getInstance(
                Key.get(new TypeLiteral<Discovered<InnerSolver>>() { })), InnerSolver::id);
    }

    /**
     * Computes the hypergradient {@code spec} describes, with its strategy instance or else the discovered strategy of
     * its id; every tensor it creates is freed before it returns.
     *
     * @throws IllegalArgumentException for an unknown strategy (listing the known ids), an option the strategy does
     *                                  not read, or an unknown hyperparameter
     */
    public Hypergradient hypergradient(HypergradientSpec spec) {
        return spec.strategyInstance().isPresent() ? HyperparameterValues.compute(ops(), spec)
                : HyperparameterValues.compute(ops(), spec, strategy(spec.strategyId()));
    }

    /** Messages about plugins that failed to load (each names the plugin); the runtime works without them. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>(injector.getInstance(RuntimeSettings.class).backends().failures());
        w.addAll(injector.getInstance(Key.get(new TypeLiteral<Discovered<HypergradientStrategy>>() { })).failures());
        w.addAll(injector.getInstance(Key.get(new TypeLiteral<Discovered<InnerSolver>>() { })).failures());
        return w;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.close();
        } finally {
            backend.close();
        }
    }

    /** Configures and builds a runtime. Every setting has a default; {@link #build()} validates. */
    public static final class Builder {
        private String backendId;
        private List<BackendProvider> providers;
        private DType dtype = DType.FLOAT32;
        private int threads;
        private ClassLoader plugins = ServiceDiscovery.class.getClassLoader();
        private Map<String, String> environment = System.getenv();
        private String propertyValue = System.getProperty(BackendSelector.PROPERTY);

        private Builder() {
        }

        /** Selects a backend by id, overriding the property and environment variable. */
        public Builder backend(String id) {
            this.backendId = id;
            return this;
        }

        /**
         * Uses these providers instead of discovering them with {@link java.util.ServiceLoader}; for embedders that
         * manage their own plugins, and for a backend created in code such as the reference backend.
         */
        public Builder backendProviders(List<BackendProvider> providers) {
            this.providers = List.copyOf(providers);
            return this;
        }

        /** Default dtype of constants; float32 unless set. */
        public Builder dtype(DType dtype) {
            this.dtype = Objects.requireNonNull(dtype, "dtype");
            return this;
        }

        /** Compute threads for the backend; 0 (default): the backend's default for this machine, see {@link #threads()}. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * The class loader whose plugins this runtime sees: backends (unless {@link #backendProviders} gives them),
         * strategies and inner solvers are found with {@link java.util.ServiceLoader} on it. Default: the loader of
         * bilevel-core, which sees the class path and the module path. An embedder that loads plugin jars itself
         * passes their loader (a child of its own, so the project's types are shared); two runtimes with different
         * loaders see different plugins (docs/EMBEDDING.md).
         */
        public Builder pluginLoader(ClassLoader loader) {
            this.plugins = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /** Replaces the process environment and system property used for selection (for tests and embedders). */
        public Builder selectionInputs(String property, Map<String, String> environment) {
            this.propertyValue = property;
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * Selects the backend, loads it and wires the runtime.
         *
         * @throws io.github.bilevel.core.discovery.BackendSelectionException if no backend can be selected
         */
        public BilevelRuntime build() {
            Discovered<BackendProvider> backends = providers == null
                    ? ServiceDiscovery.discover(BackendProvider.class,
                            java.util.ServiceLoader.load(BackendProvider.class, plugins), plugins)
                    : new Discovered<>(providers.stream().map(p -> new Discovered.Found<>(p,
                            ServiceDiscovery.origin(p.getClass()))).toList(), List.of());
            RuntimeSettings settings = new RuntimeSettings(backends, backendId, propertyValue,
                    environment.get(BackendSelector.ENV), dtype, new BackendConfig(threads), plugins);
            try {
                return new BilevelRuntime(Guice.createInjector(new BilevelModule(settings)));
            } catch (com.google.inject.ProvisionException | com.google.inject.CreationException e) {
                // Guice wraps errors from providers; rethrow the original so the message reads cleanly.
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
        }
    }
}
