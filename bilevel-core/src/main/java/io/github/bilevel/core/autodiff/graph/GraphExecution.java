package io.github.bilevel.core.autodiff.graph;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.GraphPolicy;
import io.github.bilevel.api.spi.KernelGraph;
import java.util.Optional;

/** Where the core decides how a backend runs recorded graphs: from the policy its {@link GraphCompiler} states. */
public final class GraphExecution {
    private GraphExecution() {
    }

    /**
     * How regions run on {@code backend}: empty when it offers no {@link GraphCompiler} (regions run eagerly); else a
     * compiler that transforms each graph as the backend's policy asks, then interprets it ({@link Interpreter}) or
     * hands it to the backend's compiler.
     */
    public static Optional<GraphCompiler> forBackend(Backend backend) {
        return backend.capability(GraphCompiler.class).map(c -> of(backend, c));
    }

    /** {@code capability} with the core's passes in front, as its policy asks. */
    public static GraphCompiler of(Backend backend, GraphCompiler capability) {
        GraphPolicy policy = capability.policy();
        if (policy.interprets()) {
            return new Interpreter(backend, policy);
        }
        return new GraphCompiler() {
            @Override
            public Compiled compile(KernelGraph graph) {
                return capability.compile(GraphPasses.forPolicy(graph, policy));
            }

            @Override
            public GraphPolicy policy() {
                return policy;
            }

            @Override
            public boolean interprets() {
                return capability.interprets();
            }
        };
    }
}
