package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.GraphCompiler;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Optional;

/** Backends for tests of compiled regions: a real backend offering a given compiler, with a hook before each call. */
final class CompilingBackends {

    /** Runs before every call of the backend, with the method's name; may block or throw. */
    interface Hook {
        void before(String method) throws Exception;
    }

    private CompilingBackends() {
    }

    /**
     * The reference backend offering a GraphCompiler that evaluates each graph kernel by kernel; counts compilations
     * and runs.
     */
    static Backend interpretingReference(java.util.concurrent.atomic.AtomicInteger compiles,
                                         java.util.concurrent.atomic.AtomicInteger runs) {
        io.github.bilevel.core.reference.ReferenceBackend ref = new io.github.bilevel.core.reference.ReferenceBackend();
        GraphCompiler compiler = graph -> {
            compiles.incrementAndGet();
            return new GraphCompiler.Compiled() {
                @Override
                public java.util.List<io.github.bilevel.api.spi.NdArray> run(
                        java.util.List<io.github.bilevel.api.spi.NdArray> inputs) {
                    runs.incrementAndGet();
                    return graph.evaluate(ref, inputs);
                }

                @Override
                public void close() {
                }
            };
        };
        return offering(ref, compiler);
    }

    /** {@code real} with {@code compiler} as its GraphCompiler capability. */
    static Backend offering(Backend real, GraphCompiler compiler) {
        return offering(real, compiler, method -> { });
    }

    /** As {@link #offering(Backend, GraphCompiler)}, calling {@code hook} before each call. */
    static Backend offering(Backend real, GraphCompiler compiler, Hook hook) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("capability") && args[0] == GraphCompiler.class) {
                return Optional.of(compiler);
            }
            hook.before(method.getName());
            try {
                return method.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
    }
}
