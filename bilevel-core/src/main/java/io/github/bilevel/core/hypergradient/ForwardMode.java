package io.github.bilevel.core.hypergradient;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.support.unroll.Dynamics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward-mode hypergradients (FMD): propagate the tangents {@code Z_t = A_t Z_{t−1} + B_t}, one per scalar
 * hyperparameter component, alongside the inner run, and finish with {@code g = Z_Tᵀ ∂E/∂s_T + ∂E/∂λ}. Memory is
 * O(|state|·|λ|) and does not grow with T; each step costs one Jacobian-vector product per hyperparameter component,
 * so FMD suits few hyperparameters.
 *
 * <p>Because the hypergradient is available after every step, {@link #runRealTime} can update the hyperparameters
 * during a single inner run (real-time hyperparameter optimization, RTHO).
 */
public final class ForwardMode implements HypergradientStrategy {

    /** Receives the hypergradient of the run stopped at step t and may return new hyperparameter values. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * @param step         the number of inner steps taken so far (1..T)
         * @param hypergradient of {@code f_t}, the outer objective after {@code step} steps
         * @return new hyperparameter values (by name, row-major) to continue with, or null to keep them
         */
        Map<String, double[]> onStep(int step, Hypergradient hypergradient);
    }

    @Override
    public String id() {
        return "forward";
    }

    @Override
    public Hypergradient compute(HypergradientRequest request) {
        return runRealTime(request, null);
    }

    /**
     * Runs T inner steps, calling {@code listener} after each with the hypergradient so far; the hyperparameters it
     * returns take effect from the next step on, while the tangents carry on (the RTHO approximation). With a null
     * listener this is plain forward mode.
     *
     * @return the hypergradient at step T, with respect to the hyperparameters in effect at the end
     */
    public Hypergradient runRealTime(HypergradientRequest request, StepListener listener) {
        Ops ops = request.ops();
        try (Scope outer = ops.scope()) {
            Dynamics dyn = new Dynamics(request);
            List<Tensor> lambda = dyn.lambda();
            List<List<Tensor>> unit = unitTangents(ops, lambda);
            SolverState s;
            List<List<Tensor>> z = new ArrayList<>();
            try (Scope sc = ops.scope()) {
                SolverState s0 = dyn.initial();
                for (List<Tensor> e : unit) {
                    z.add(keepAll(sc, detachAll(ops.jvp(s0.all(), lambda, e, false))));
                }
                s = Dynamics.keep(sc, Dynamics.detach(s0));
            }
            Hypergradient last = request.steps() == 0 ? hypergradient(dyn, s, z) : null;
            for (int t = 1; t <= request.steps(); t++) {
                List<List<Tensor>> nextZ = new ArrayList<>();
                SolverState next;
                try (Scope sc = ops.scope()) {
                    SolverState cur = dyn.step(s, t, true);
                    List<Tensor> inputs = new ArrayList<>(s.all());
                    inputs.addAll(lambda);
                    // The pullback u ↦ J_tᵀu is built once per step; its transpose gives each tangent's J_t·[Z; e].
                    List<Tensor> dummies = new ArrayList<>();
                    for (Tensor c : cur.all()) {
                        dummies.add(ops.zerosLike(c));
                    }
                    List<Tensor> pullback = ops.vjp(cur.all(), inputs, dummies, true);
                    for (int p = 0; p < unit.size(); p++) {
                        List<Tensor> tangent = new ArrayList<>(z.get(p));
                        tangent.addAll(unit.get(p));
                        nextZ.add(keepAll(sc, detachAll(ops.vjp(pullback, dummies, tangent, false))));
                    }
                    next = Dynamics.keep(sc, Dynamics.detach(cur));
                }
                Dynamics.close(s);
                z.forEach(l -> l.forEach(Tensor::close));
                s = next;
                z = nextZ;
                if (listener != null || t == request.steps()) {
                    last = hypergradient(dyn, s, z);
                }
                if (listener != null) {
                    Map<String, double[]> updated = listener.onStep(t, last);
                    if (updated != null) {
                        dyn = new Dynamics(ops, request.problem(), request.solver(), replace(ops, dyn, updated));
                        lambda = dyn.lambda();
                    }
                }
            }
            Dynamics.close(s);
            return last;
        }
    }

    private static Hyperparameters replace(Ops ops, Dynamics dyn, Map<String, double[]> updated) {
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (int i = 0; i < dyn.names().size(); i++) {
            String name = dyn.names().get(i);
            Tensor old = dyn.lambda().get(i);
            double[] v = updated.get(name);
            values.put(name, v == null ? old : ops.constant(v, old.shape(), old.dtype()));
        }
        return new Hyperparameters(values);
    }

    /** {@code g_p = Σ <∂E/∂w, Z^p_w> + ∂E/∂λ_p} at state s. */
    private static Hypergradient hypergradient(Dynamics dyn, SolverState s, List<List<Tensor>> z) {
        Ops ops = dyn.ops();
        try (Scope sc = ops.scope()) {
            Tensor e = dyn.outer(s);
            List<Tensor> inputs = new ArrayList<>(s.parameters());
            inputs.addAll(dyn.lambda());
            List<Tensor> g = ops.grad(e, inputs, false);
            int np = s.parameters().size();
            List<double[]> dEdw = new ArrayList<>();
            for (int i = 0; i < np; i++) {
                dEdw.add(g.get(i).toDoubleArray());
            }
            Map<String, double[]> out = new LinkedHashMap<>();
            int p = 0;
            for (int i = 0; i < dyn.names().size(); i++) {
                double[] direct = g.get(np + i).toDoubleArray();
                for (int j = 0; j < direct.length; j++, p++) {
                    double sum = direct[j];
                    for (int k = 0; k < np; k++) {
                        double[] zk = z.get(p).get(k).toDoubleArray();
                        double[] ek = dEdw.get(k);
                        for (int m = 0; m < zk.length; m++) {
                            sum += ek[m] * zk[m];
                        }
                    }
                    direct[j] = sum;
                }
                out.put(dyn.names().get(i), direct);
            }
            return new Hypergradient(e.item(), out);
        }
    }

    /** One tangent over all hyperparameters per scalar component: 1 at that component, 0 elsewhere. */
    private static List<List<Tensor>> unitTangents(Ops ops, List<Tensor> lambda) {
        List<List<Tensor>> unit = new ArrayList<>();
        for (int i = 0; i < lambda.size(); i++) {
            for (int j = 0; j < lambda.get(i).size(); j++) {
                List<Tensor> e = new ArrayList<>();
                for (int k = 0; k < lambda.size(); k++) {
                    double[] v = new double[(int) lambda.get(k).size()];
                    if (k == i) {
                        v[j] = 1.0;
                    }
                    e.add(ops.constant(v, lambda.get(k).shape(), lambda.get(k).dtype()));
                }
                unit.add(e);
            }
        }
        return unit;
    }

    private static List<Tensor> detachAll(List<Tensor> ts) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : ts) {
            out.add(t.detach());
        }
        return out;
    }

    private static List<Tensor> keepAll(Scope scope, List<Tensor> ts) {
        ts.forEach(scope::keep);
        return ts;
    }
}
