package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Optional backend capability: the backend runs recorded graphs. The core records a computation once (for example a
 * whole hypergradient), cuts it into {@link KernelGraph}s, transforms each according to {@link #policy()} (dead calls
 * removed, products merged: ADR 0014) and then either interprets it kernel by kernel or hands it to {@link #compile},
 * instead of one kernel call per operation of every run. A compiled run must give the results of
 * {@link KernelGraph#evaluate} of the graph it was given, on the same backend, up to floating-point reassociation.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface GraphCompiler extends Capability {

    /**
     * Compiles {@code graph} (already transformed by the core); the result is valid until closed or until the backend
     * is closed. Called only when {@link #policy()} compiles.
     */
    Compiled compile(KernelGraph graph);

    /** How the backend wants its graphs run. By default: compiled, nothing merged. Never null. */
    default GraphPolicy policy() {
        return GraphPolicy.compiling();
    }

    /**
     * Whether graphs run one kernel call at a time ({@link GraphPolicy#interprets()}). The core then returns, from a
     * region's first run on, the results of a replay rather than those of the eager recording run, since a replay
     * may sum merged products in another order (ADR 0011). A compiler whose runs are as cheap as an eager run and may
     * differ from it in the last bits may say so here while its policy compiles.
     */
    default boolean interprets() {
        return policy().interprets();
    }

    /**
     * The capability of a backend that runs one kernel at a time and wants its recorded graphs interpreted by the
     * core with {@code policy} (which must interpret). Recorded computations often compute values nothing reads (the
     * new parameters of an inner step whose state was stored, when the step is recomputed only for its
     * vector-Jacobian product); interpreting them skips that work.
     */
    static GraphCompiler interpreting(GraphPolicy policy) {
        if (!policy.interprets()) {
            throw new IllegalArgumentException("GraphCompiler.interpreting needs an interpreting policy, got "
                    + policy);
        }
        return new GraphCompiler() {
            @Override
            public Compiled compile(KernelGraph graph) {
                throw new UnsupportedOperationException("This backend does not compile graphs: the core interprets "
                        + "them (" + policy + ")");
            }

            @Override
            public GraphPolicy policy() {
                return policy;
            }
        };
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
