package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * How a backend wants recorded graphs run, as data: the core transforms a graph according to it before the backend
 * sees the graph (ADR 0014), so a backend states its policy and never calls a graph pass itself.
 *
 * <ul>
 *   <li>{@link Execution#INTERPRET}: the backend runs one kernel at a time; the core removes the calls no output
 *       depends on and evaluates the rest kernel by kernel on the backend ({@link KernelGraph#evaluate}), never
 *       calling {@link GraphCompiler#compile}. The kernels that run are the eager run's calls, so without merging the
 *       results are bit for bit the eager ones (ADR 0010).</li>
 *   <li>{@link Execution#COMPILE}: the core hands the graph to {@link GraphCompiler#compile}, which turns it into one
 *       native program.</li>
 * </ul>
 *
 * Products that share their left operand are merged into one wider product (ADR 0011) when the left operand has at
 * least {@code mergeMinLeftElements} elements and each product at least {@code mergeMinColumns} result columns;
 * {@link #NEVER} turns merging off. A merged product may sum in another order than the two eager ones.
 *
 * @param execution            interpret or compile
 * @param mergeMinLeftElements smallest left operand, in elements, whose products are merged; {@link #NEVER}: none
 * @param mergeMinColumns      smallest number of result columns of each merged product (at least 1)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record GraphPolicy(Execution execution, long mergeMinLeftElements, int mergeMinColumns) {

    /** How a graph runs. */
    public enum Execution {
        /** Kernel by kernel on the backend, by the core. */
        INTERPRET,
        /** As one program the backend's {@link GraphCompiler} builds. */
        COMPILE
    }

    /** A {@code mergeMinLeftElements} that merges nothing. */
    public static final long NEVER = Long.MAX_VALUE;

    /**
     * A left operand size from which merging pays on every backend measured: below it a product costs less than the
     * concatenation and two slices a merge adds (on ND4J each is a kernel call of about 25 µs, and merging the 10×10
     * products of a small softmax step made its replay 25% slower); the 5,000 × 784 data of a softmax step is 60
     * times this size.
     */
    public static final long MERGE_MIN_LEFT_ELEMENTS = 1 << 16;

    public GraphPolicy {
        java.util.Objects.requireNonNull(execution, "execution");
        if (mergeMinLeftElements < 0 || mergeMinColumns < 1) {
            throw new IllegalArgumentException("A graph policy needs mergeMinLeftElements >= 0 and mergeMinColumns "
                    + ">= 1, got " + mergeMinLeftElements + " and " + mergeMinColumns);
        }
    }

    /** Interpreted by the core, dead calls left out, nothing merged: bit for bit the eager run. */
    public static GraphPolicy interpreting() {
        return new GraphPolicy(Execution.INTERPRET, NEVER, 1);
    }

    /** Compiled by the backend, nothing merged. */
    public static GraphPolicy compiling() {
        return new GraphPolicy(Execution.COMPILE, NEVER, 1);
    }

    /** This policy, merging products from the given left operand size and number of columns. */
    public GraphPolicy mergingProducts(long minLeftElements, int minColumns) {
        return new GraphPolicy(execution, minLeftElements, minColumns);
    }

    /** Whether graphs run kernel by kernel. */
    public boolean interprets() {
        return execution == Execution.INTERPRET;
    }

    /** Whether any products are merged. */
    public boolean mergesProducts() {
        return mergeMinLeftElements != NEVER;
    }
}
