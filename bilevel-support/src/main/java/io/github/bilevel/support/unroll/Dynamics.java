package io.github.bilevel.support.unroll;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.NonFiniteValueException;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The inner problem as a dynamical system: {@code s_0 = Φ_0(λ)}, {@code s_t = Φ_t(s_{t−1}, λ)} with
 * {@code Φ_t(s, λ) = solver.step(s, ∇_w L(w(s), λ, t−1))}, and the outer objective {@code E(w(s_T), λ)}.
 * Hyperparameters are leaf tensors in declaration order: the problem's, then the solver's.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Dynamics {
    private final Ops ops;
    private final Problem problem;
    private final InnerSolver solver;
    private final Hyperparameters hyper;
    private final List<String> names;
    private final List<Tensor> lambda;
    private final int hyperCount;
    private final List<Tensor> derivedComputed = new ArrayList<>();
    private int parameterCount = -1;

    /** Uses the request's hyperparameter tensors as the leaves λ; the problem's derived tensors stay connected. */
    public Dynamics(HypergradientRequest request) {
        this(request.ops(), request.problem(), request.solver(), request.hyper(), false);
    }

    public Dynamics(Ops ops, Problem problem, InnerSolver solver, Hyperparameters hyper) {
        this(ops, problem, solver, hyper, false);
    }

    /**
     * @param derivedAsLeaves whether the problem's derived tensors ({@link Problem#derived}) enter the inner problem as
     *                        leaves of their own, listed after the hyperparameters in {@link #names()} and
     *                        {@link #lambda()}: derivatives then stop at them, and {@link #foldDerived} carries their
     *                        accumulated cotangents back to the hyperparameters in one pass (reverse mode)
     */
    public Dynamics(Ops ops, Problem problem, InnerSolver solver, Hyperparameters hyper, boolean derivedAsLeaves) {
        this.ops = ops;
        this.problem = problem;
        this.solver = solver;
        this.names = new ArrayList<>(hyper.asMap().keySet());
        this.lambda = new ArrayList<>(hyper.asMap().values());
        this.hyperCount = names.size();
        List<String> declared = new ArrayList<>();
        problem.hyperparameters().forEach(h -> declared.add(h.name()));
        solver.hyperparameters().forEach(h -> declared.add(h.name()));
        for (String name : declared) {
            if (!hyper.contains(name)) {
                throw new IllegalArgumentException("No value given for hyperparameter '" + name + "'. Given: " + names);
            }
        }
        java.util.Map<String, Tensor> derived = problem.derived(ops, hyper);
        if (derived.isEmpty()) {
            this.hyper = hyper;
            return;
        }
        java.util.Map<String, Tensor> all = new java.util.LinkedHashMap<>(hyper.asMap());
        for (java.util.Map.Entry<String, Tensor> e : derived.entrySet()) {
            if (all.containsKey(e.getKey())) {
                throw new IllegalArgumentException("Derived tensor '" + e.getKey() + "' of problem " + problem.id()
                        + " has the name of a hyperparameter");
            }
            Tensor value = derivedAsLeaves ? e.getValue().detach() : e.getValue();
            all.put(e.getKey(), value);
            if (derivedAsLeaves) {
                names.add(e.getKey());
                lambda.add(value);
                derivedComputed.add(e.getValue());
            }
        }
        this.hyper = new Hyperparameters(all);
    }

    /**
     * Given accumulated derivatives for every entry of {@link #names()}, returns those of the hyperparameters alone:
     * with derived leaves, their cotangents are pulled back through the derived computation (one vector-Jacobian
     * product) and added to the hyperparameters' derivatives.
     */
    public java.util.Map<String, double[]> foldDerived(java.util.Map<String, double[]> accumulated) {
        java.util.Map<String, double[]> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < hyperCount; i++) {
            out.put(names.get(i), accumulated.get(names.get(i)).clone());
        }
        if (derivedComputed.isEmpty()) {
            return out;
        }
        try (Scope s = ops.scope()) {
            List<Tensor> cotangents = new ArrayList<>();
            for (int d = 0; d < derivedComputed.size(); d++) {
                Tensor computed = derivedComputed.get(d);
                cotangents.add(ops.constant(accumulated.get(names.get(hyperCount + d)), computed.shape(),
                        computed.dtype()));
            }
            List<Tensor> pulled = ops.vjp(derivedComputed, lambda.subList(0, hyperCount), cotangents, false);
            for (int i = 0; i < hyperCount; i++) {
                double[] g = pulled.get(i).toDoubleArray();
                double[] acc = out.get(names.get(i));
                for (int j = 0; j < g.length; j++) {
                    acc[j] += g[j];
                }
            }
        }
        return out;
    }

    public Ops ops() {
        return ops;
    }

    /** The hyperparameters with the problem's derived tensors added (as leaves, or connected to λ). */
    public Hyperparameters hyper() {
        return hyper;
    }

    public List<String> names() {
        return names;
    }

    public List<Tensor> lambda() {
        return lambda;
    }

    public int parameterCount() {
        return parameterCount;
    }

    /** {@code s_0 = Φ_0(λ)}, recorded. */
    public SolverState initial() {
        SolverState s = solver.initialize(ops, problem.initialParameters(ops, hyper), hyper);
        parameterCount = s.parameters().size();
        return s;
    }

    /**
     * {@code s_t = Φ_t(s_{t−1}, λ)} for {@code t ≥ 1}, recorded; the problem sees the 0-based step {@code t − 1}.
     *
     * @param createGraph whether the gradient inside the step is itself differentiable (needed to differentiate
     *                    the step)
     */
    public SolverState step(SolverState previous, int t, boolean createGraph) {
        return step(previous, t, createGraph, true);
    }

    /**
     * As {@link #step(SolverState, int, boolean)}; {@code check = false} skips the checks that the loss and the
     * gradient are finite. Only for recomputing a step already computed (and checked) from the same state: the
     * kernels are deterministic, so the values are those checked before. Without the checks nothing reads the
     * recomputed loss or gradient back, so a replayed region can leave out what only they needed (ADR 0010).
     */
    public SolverState step(SolverState previous, int t, boolean createGraph, boolean check) {
        Tensor loss = problem.innerObjective(ops, previous.parameters(), hyper, t - 1);
        checkScalar(loss, "inner objective", t - 1);
        List<Tensor> grads = ops.grad(loss, previous.parameters(), createGraph);
        if (check) {
            checkFinite(loss, grads, t - 1);
        }
        return solver.step(ops, previous, grads, hyper, t - 1);
    }

    /** {@code E(w(s), λ)}, recorded. */
    public Tensor outer(SolverState s) {
        Tensor e = problem.outerObjective(ops, s.parameters(), hyper);
        checkScalar(e, "outer objective", -1);
        return e;
    }

    /**
     * One read per step: the loss plus the sum of every gradient is finite exactly when each of them is, barring
     * overflow of the sum. Only when it is not are the loss and each gradient read on their own, to name the first
     * non-finite one (a sum that merely overflowed names none). In a compiled region every read ends a segment, so
     * one read instead of one per quantity keeps a step's graph whole.
     */
    private void checkFinite(Tensor loss, List<Tensor> grads, int step) {
        try (Scope s = ops.scope()) {
            Tensor total = ops.sum(loss.detach());
            for (Tensor g : grads) {
                total = total.add(ops.sum(g.detach()));
            }
            if (Double.isFinite(total.item())) {
                return;
            }
            NonFiniteValueException.check(loss.item(), "inner loss", step);
            for (int i = 0; i < grads.size(); i++) {
                NonFiniteValueException.check(ops.sum(grads.get(i).detach()).item(),
                        "gradient of inner parameter " + i, step);
            }
        }
    }

    private static void checkScalar(Tensor t, String what, int step) {
        if (t.size() != 1) {
            throw new IllegalArgumentException("The " + what + " must be a scalar, got shape " + t.shape()
                    + (step >= 0 ? " at inner step " + step : ""));
        }
    }

    /** The state's tensors detached (values only, no history), owned by the current scope. */
    public static SolverState detach(SolverState s) {
        List<Tensor> all = new ArrayList<>();
        for (Tensor t : s.all()) {
            all.add(t.detach());
        }
        return SolverState.of(all, s.parameters().size());
    }

    /** Moves every tensor of the state to the parent of {@code scope}. */
    public static SolverState keep(Scope scope, SolverState s) {
        for (Tensor t : s.all()) {
            scope.keep(t);
        }
        return s;
    }

    /** Closes every tensor of the state. */
    public static void close(SolverState s) {
        for (Tensor t : s.all()) {
            t.close();
        }
    }

    /** {@code s_t} computed without a derivative graph and detached, owned by the current scope. */
    public SolverState advance(SolverState previous, int t) {
        return advance(previous, t, true);
    }

    /** As {@link #advance(SolverState, int)}; {@code check = false} only for a recomputation (see {@link #step}). */
    public SolverState advance(SolverState previous, int t, boolean check) {
        SolverState next;
        try (Scope s = ops.scope()) {
            next = keep(s, detach(step(previous, t, false, check)));
        }
        return next;
    }

    /**
     * Runs the inner solver for {@code steps} steps without derivative graphs, checking at every step that the inner
     * loss and gradients are finite ({@link NonFiniteValueException} names the step otherwise): {@code w_T}, detached,
     * owned by the current scope. For strategies that need the approximate minimizer only (implicit
     * differentiation, objective values for finite differences).
     */
    public List<Tensor> innerSolution(int steps) {
        SolverState state = unrolled(steps);
        state.slots().forEach(Tensor::close);
        return state.parameters();
    }

    /** {@code s_T} as {@link #innerSolution} computes it, solver slots included. */
    public SolverState unrolled(int steps) {
        SolverState state;
        try (Scope init = ops.scope()) {
            state = keep(init, detach(initial()));
        }
        for (int t = 1; t <= steps; t++) {
            SolverState next = advance(state, t);
            close(state);
            state = next;
        }
        return state;
    }
}
