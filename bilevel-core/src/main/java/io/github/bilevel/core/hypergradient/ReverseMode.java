package io.github.bilevel.core.hypergradient;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.support.unroll.Accumulator;
import io.github.bilevel.support.unroll.Dynamics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reverse-mode hypergradients (RMD): run the T inner steps storing states, then walk back
 * {@code α_{t−1} = A_tᵀ α_t}, {@code g += B_tᵀ α_t}, recomputing each step's graph from its stored input state so that
 * memory is O(T·|state|), not O(T·graph). Options:
 * <ul>
 *   <li>{@code truncate=K}: differentiate only the last K steps (truncated RMD; no {@code B_0} term unless K ≥ T);
 *       only the last K states are kept, so memory does not grow with T;</li>
 *   <li>{@code interval=k}: store every k-th state and recompute each segment during the backward pass
 *       (checkpointing: about T/k + k stored states for one extra forward pass);</li>
 *   <li>{@code store=graphs}: keep every step's recorded graph from the forward pass instead of rebuilding it in the
 *       backward pass: faster (no recomputation), memory O(T·graph) like plain backpropagation through the unrolled
 *       loop. Default {@code store=states}.</li>
 * </ul>
 * With {@code truncate ≥ T} and any interval the result is bit for bit the full RMD result: the same operations run on
 * the same values in the same order.
 */
public class ReverseMode implements HypergradientStrategy {

    @Override
    public String id() {
        return "reverse";
    }

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of("truncate", "interval", "store");
    }

    /** Default options of this strategy id; subclasses fix truncation or checkpointing defaults. */
    protected int truncation(HypergradientRequest r) {
        return r.intOption("truncate", r.steps());
    }

    protected int interval(HypergradientRequest r) {
        return r.intOption("interval", 1);
    }

    @Override
    public Hypergradient compute(HypergradientRequest request) {
        int steps = request.steps();
        int window = Math.min(truncation(request), steps);
        int interval = interval(request);
        int start = steps - window;
        Ops ops = request.ops();
        try (Scope outer = ops.scope()) {
            Dynamics dyn = new Dynamics(ops, request.problem(), request.solver(), request.hyper(), true);
            List<Tensor> lambda = dyn.lambda();
            Accumulator acc = new Accumulator(dyn.names(), lambda);

            boolean keepGraphs = keepGraphs(request);
            // forward: keep checkpoints start, start+interval, ... below T, and s_T; or, keeping graphs, every step's
            // input state (a leaf) and recorded output
            Map<Integer, SolverState> checkpoints = new TreeMap<>();
            SolverState[] stepInputs = new SolverState[steps + 1];
            SolverState[] stepOutputs = new SolverState[steps + 1];
            SolverState s;
            try (Scope sc = ops.scope()) {
                s = Dynamics.keep(sc, Dynamics.detach(dyn.initial()));
            }
            for (int t = 0; t < steps && keepGraphs; t++) {
                if (t < start) {
                    SolverState next = dyn.advance(s, t + 1);
                    Dynamics.close(s);
                    s = next;
                } else {
                    stepInputs[t + 1] = s;
                    stepOutputs[t + 1] = dyn.step(s, t + 1, true);
                    s = Dynamics.detach(stepOutputs[t + 1]);
                }
            }
            for (int t = 0; t < steps && !keepGraphs; t++) {
                boolean checkpoint = t >= start && (t - start) % interval == 0;
                if (checkpoint) {
                    checkpoints.put(t, s);
                }
                SolverState next = dyn.advance(s, t + 1);
                if (!checkpoint) {
                    Dynamics.close(s);
                }
                s = next;
            }

            // α_T = ∂E/∂s_T (zero for the solver's slots) and the direct term ∂E/∂λ
            List<Tensor> alpha;
            double objective;
            try (Scope sc = ops.scope()) {
                Tensor e = dyn.outer(s);
                objective = e.item();
                List<Tensor> inputs = new ArrayList<>(s.parameters());
                inputs.addAll(lambda);
                List<Tensor> g = ops.grad(e, inputs, false);
                acc.add(g, s.parameters().size());
                alpha = new ArrayList<>(g.subList(0, s.parameters().size()));
                for (Tensor slot : s.slots()) {
                    alpha.add(ops.zerosLike(slot));
                }
                alpha.forEach(sc::keep);
            }
            Dynamics.close(s);

            for (int t = steps; t > start && keepGraphs; t--) {
                alpha = backwardStep(dyn, stepInputs[t], stepOutputs[t], alpha, acc);
            }

            // backward, one checkpoint segment at a time, last segment first
            List<Integer> starts = new ArrayList<>(checkpoints.keySet());
            for (int k = starts.size() - 1; k >= 0; k--) {
                int c = starts.get(k);
                int end = Math.min(c + interval, steps);
                SolverState[] states = new SolverState[end - c];
                states[0] = checkpoints.get(c);
                for (int t = c + 1; t < end; t++) {
                    states[t - c] = dyn.advance(states[t - c - 1], t, false); // checked in the forward pass
                }
                for (int t = end; t > c; t--) {
                    alpha = backwardStep(dyn, states[t - 1 - c], t, alpha, acc);
                }
                for (SolverState st : states) {
                    Dynamics.close(st);
                }
            }

            if (start == 0) {
                try (Scope sc = ops.scope()) {
                    SolverState s0 = dyn.initial();
                    acc.add(ops.vjp(s0.all(), lambda, alpha, false), 0);
                }
            }
            alpha.forEach(Tensor::close);
            return new Hypergradient(objective, dyn.foldDerived(acc.result()));
        }
    }

    /** {@code store=graphs} keeps every step's graph from the forward pass instead of recomputing it. */
    private static boolean keepGraphs(HypergradientRequest r) {
        String store = r.options().getOrDefault("store", "states");
        if (!store.equals("states") && !store.equals("graphs")) {
            throw new IllegalArgumentException("Option store='" + store + "' must be states or graphs");
        }
        return store.equals("graphs");
    }

    /** {@code g += B_tᵀ α_t}; returns {@code α_{t−1} = A_tᵀ α_t}, owned by the caller's scope. */
    private static List<Tensor> backwardStep(Dynamics dyn, SolverState previous, int t, List<Tensor> alpha,
                                             Accumulator acc) {
        List<Tensor> next;
        try (Scope sc = dyn.ops().scope()) {
            // A recomputation of a step the forward pass computed and checked: no second check (Dynamics.step).
            next = backwardStep(dyn, previous, dyn.step(previous, t, true, false), alpha, acc);
            next.forEach(sc::keep);
        }
        return next;
    }

    /** As above, given the step's recorded output; the result is owned by the current scope. */
    private static List<Tensor> backwardStep(Dynamics dyn, SolverState previous, SolverState current,
                                             List<Tensor> alpha, Accumulator acc) {
        Ops ops = dyn.ops();
        List<Tensor> next;
        try (Scope sc = ops.scope()) {
            List<Tensor> inputs = new ArrayList<>(previous.all());
            inputs.addAll(dyn.lambda());
            List<Tensor> res = ops.vjp(current.all(), inputs, alpha, false);
            int n = previous.all().size();
            acc.add(res, n);
            next = new ArrayList<>(res.subList(0, n));
            next.forEach(sc::keep);
        }
        alpha.forEach(Tensor::close);
        return next;
    }

    /** Truncated reverse mode: only the last {@code truncate} steps (default 10) are differentiated. */
    public static final class Truncated extends ReverseMode {
        @Override
        public String id() {
            return "truncated-reverse";
        }

        @Override
        protected int truncation(HypergradientRequest r) {
            return r.intOption("truncate", 10);
        }
    }

    /** Checkpointed reverse mode: every {@code interval}-th state is stored (default ⌈√T⌉). */
    public static final class Checkpointed extends ReverseMode {
        @Override
        public String id() {
            return "checkpointed-reverse";
        }

        @Override
        protected int interval(HypergradientRequest r) {
            return r.intOption("interval", Math.max(1, (int) Math.ceil(Math.sqrt(r.steps()))));
        }
    }
}
