package io.github.bilevel.core.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.discovery.BackendSelector;
import io.github.bilevel.core.discovery.Discovered;
import io.github.bilevel.core.discovery.ServiceDiscovery;
import java.util.ServiceLoader;

/**
 * Turns discovered providers into bindings. The only Guice module of the project: plugins implement the SPI and never
 * see Guice.
 */
final class BilevelModule extends AbstractModule {
    private final RuntimeSettings settings;

    BilevelModule(RuntimeSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void configure() {
        bind(RuntimeSettings.class).toInstance(settings);
        bind(Ops.class).to(Engine.class);
    }

    @Provides
    @Singleton
    BackendProvider backendProvider(RuntimeSettings s) {
        return BackendSelector.select(s.backends(), s.explicitBackend(), s.propertyBackend(), s.envBackend());
    }

    @Provides
    @Singleton
    Backend backend(BackendProvider provider, RuntimeSettings s) {
        return provider.create(new BackendConfig(threads(provider, s)));
    }

    /** The settings' thread count, or where it is 0 the provider's default for this machine's processors. */
    static int threads(BackendProvider provider, RuntimeSettings s) {
        int asked = s.backendConfig().threads();
        return asked > 0 ? asked : Math.max(1, provider.defaultThreads(Runtime.getRuntime().availableProcessors()));
    }

    @Provides
    @Singleton
    Engine engine(Backend backend, RuntimeSettings s) {
        return new Engine(backend, s.dtype());
    }

    @Provides
    @Singleton
    Discovered<HypergradientStrategy> strategies(RuntimeSettings s) {
        return ServiceDiscovery.discover(HypergradientStrategy.class,
                ServiceLoader.load(HypergradientStrategy.class, s.plugins()), s.plugins());
    }

    @Provides
    @Singleton
    Discovered<InnerSolver> solvers(RuntimeSettings s) {
        return ServiceDiscovery.discover(InnerSolver.class, ServiceLoader.load(InnerSolver.class, s.plugins()),
                s.plugins());
    }
}
