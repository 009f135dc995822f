package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Optional backend capability: turns a {@link KernelGraph} into a program the backend runs in one native call. The
 * core records a computation once (for example a whole hypergradient), compiles it, and then runs the compiled form
 * instead of one kernel call per operation. A compiled run must give the results of {@link KernelGraph#evaluate} on
 * the same backend, up to floating-point reassociation.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface GraphCompiler extends Capability {

    /** Compiles {@code graph}; the result is valid until closed or until the backend is closed. */
    Compiled compile(KernelGraph graph);

    /** Whether a compiled graph still runs one kernel call at a time ({@link #interpreting}). */
    default boolean interprets() {
        return false;
    }

    /**
     * A compiler for a backend that runs one kernel at a time: a "compiled" graph is the graph with its dead calls
     * removed ({@link KernelGraph#pruned()}), evaluated kernel by kernel. Recorded computations often compute values
     * nothing reads (the new parameters of an inner step whose state was stored, when the step is recomputed only for
     * its vector-Jacobian product); replaying them this way skips that work and gives bit for bit the numbers of the
     * eager run, since every kernel that does run is the same call on the same arrays.
     */
    static GraphCompiler interpreting(Backend backend) {
        return new Interpreter(backend, false);
    }

    /**
     * As {@link #interpreting(Backend)}, with pairs of products that share a large left operand merged first
     * ({@link KernelGraph#withMergedProducts(long)} from {@link KernelGraph#MERGE_MIN_LEFT_ELEMENTS}, ADR 0011):
     * faster where a product is bound by reading its left operand, but a merged product may be summed in another
     * order than the two eager ones, so results may differ from the eager run's in the last bits.
     */
    static GraphCompiler interpretingMerged(Backend backend) {
        return new Interpreter(backend, true);
    }

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
