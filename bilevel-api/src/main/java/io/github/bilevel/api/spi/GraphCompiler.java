package io.github.bilevel.api.spi;

import java.util.List;

/**
 * Optional backend capability: turns a {@link KernelGraph} into a program the backend runs in one native call. The
 * core records a computation once (for example a whole hypergradient), compiles it, and then runs the compiled form
 * instead of one kernel call per operation. A compiled run must give the results of {@link KernelGraph#evaluate} on
 * the same backend, up to floating-point reassociation.
 */
public interface GraphCompiler extends Capability {

    /** Compiles {@code graph}; the result is valid until closed or until the backend is closed. */
    Compiled compile(KernelGraph graph);

    /** A compiled graph. */
    interface Compiled extends AutoCloseable {

        /**
         * Runs the graph on {@code inputs} (arrays of this backend, matching {@link KernelGraph#inputs()}); returns
         * new arrays the caller owns, one per output.
         */
        List<NdArray> run(List<NdArray> inputs);

        @Override
        void close();
    }
}
