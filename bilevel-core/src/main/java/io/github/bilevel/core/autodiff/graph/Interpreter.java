package io.github.bilevel.core.autodiff.graph;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.GraphPolicy;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.NdArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs graphs one kernel at a time on a backend that has no compiler ({@link GraphPolicy.Execution#INTERPRET}): a
 * "compiled" graph is the graph as the policy transforms it (dead calls removed, products merged where the policy
 * merges), evaluated kernel by kernel ({@link KernelGraph#evaluate}).
 */
public final class Interpreter implements GraphCompiler {
    private final Backend backend;
    private final GraphPolicy policy;

    /** @param policy must interpret */
    public Interpreter(Backend backend, GraphPolicy policy) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (!policy.interprets()) {
            throw new IllegalArgumentException("An interpreter needs an interpreting policy, got " + policy);
        }
    }

    /** Bit for bit the eager run: dead calls left out, nothing merged. */
    public static Interpreter exact(Backend backend) {
        return new Interpreter(backend, GraphPolicy.interpreting());
    }

    @Override
    public GraphPolicy policy() {
        return policy;
    }

    @Override
    public Compiled compile(KernelGraph graph) {
        KernelGraph live = GraphPasses.forPolicy(graph, policy);
        return new Compiled() {
            @Override
            public List<NdArray> run(List<NdArray> inputs) {
                return owned(live.evaluate(backend, inputs), inputs);
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * evaluate() may hand back an input, or one array for an output listed twice; a run's outputs are the caller's
     * own, so those become copies.
     */
    private List<NdArray> owned(List<NdArray> out, List<NdArray> inputs) {
        Set<NdArray> fed = Collections.newSetFromMap(new IdentityHashMap<>());
        fed.addAll(inputs);
        Set<NdArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<NdArray> owned = new ArrayList<>(out.size());
        for (NdArray a : out) {
            owned.add(fed.contains(a) || !seen.add(a)
                    ? backend.fromDoubles(backend.toDoubles(a), a.shape(), a.dtype()) : a);
        }
        return owned;
    }
}
