package io.github.bilevel.plugin.implicit;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.support.unroll.Dynamics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Implicit differentiation at the approximate minimizer {@code w_T}: solve {@code ∇²_w L · q = ∂E/∂w} with the
 * subclass's linear solver, then {@code g = ∂E/∂λ − ∂²L/∂λ∂w · q}. Only Hessian-vector products are needed; the
 * Hessian is never formed. Assumes {@code w_T} is close to a stationary point of L with a positive-definite Hessian.
 *
 * <p>Options: {@code iterations} (default 1000), {@code tolerance} (relative residual, default 1e-12).
 */
abstract class ImplicitStrategy implements HypergradientStrategy {

    /** {@code v ↦ ∇²_w L · v}, built once per hypergradient. */
    interface LinearOperator {
        List<Tensor> apply(List<Tensor> v);
    }

    /** Solves {@code H q = b}; tensors it returns are owned by the current scope. */
    abstract List<Tensor> solve(Ops ops, LinearOperator h, List<Tensor> b, int iterations, double tolerance);

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of("iterations", "tolerance");
    }

    @Override
    public Hypergradient compute(HypergradientRequest request) {
        Ops ops = request.ops();
        int iterations = request.intOption("iterations", 1000);
        double tolerance = request.doubleOption("tolerance", 1e-12);
        List<String> names = new ArrayList<>(request.hyper().asMap().keySet());
        List<Tensor> lambda = new ArrayList<>(request.hyper().asMap().values());
        try (Scope outer = ops.scope()) {
            // The problem's derived tensors (a shared representation) stay connected to λ: the mixed term below
            // differentiates through them.
            Dynamics dynamics = new Dynamics(request);
            Hyperparameters hyper = dynamics.hyper();
            List<Tensor> w = dynamics.innerSolution(request.steps());
            List<Tensor> inputs = new ArrayList<>(w);
            inputs.addAll(lambda);
            Tensor e = request.problem().outerObjective(ops, w, hyper);
            List<Tensor> dE = ops.grad(e, inputs, false);
            List<Tensor> b = dE.subList(0, w.size());

            Tensor loss = request.problem().innerObjective(ops, w, hyper, Math.max(0, request.steps() - 1));
            List<Tensor> gradW = ops.grad(loss, w, true);
            LinearOperator h = v -> ops.vjp(gradW, w, v, false);
            List<Tensor> q = solve(ops, h, b, iterations, tolerance);
            List<Tensor> mixed = ops.vjp(gradW, lambda, q, false);

            Map<String, double[]> g = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                double[] direct = dE.get(w.size() + i).toDoubleArray();
                double[] m = mixed.get(i).toDoubleArray();
                for (int j = 0; j < direct.length; j++) {
                    direct[j] -= m[j];
                }
                g.put(names.get(i), direct);
            }
            return new Hypergradient(e.item(), g);
        }
    }

    static double dot(Ops ops, List<Tensor> a, List<Tensor> b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            try (Scope sc = ops.scope()) {
                s += ops.sum(ops.mul(a.get(i), b.get(i))).item();
            }
        }
        return s;
    }

    /** {@code a + c·b}, elementwise over the lists. */
    static List<Tensor> axpy(Ops ops, List<Tensor> a, double c, List<Tensor> b) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(ops.add(a.get(i), ops.mul(b.get(i), c)));
        }
        return out;
    }

    static List<Tensor> keepAll(Scope scope, List<Tensor> ts) {
        ts.forEach(scope::keep);
        return ts;
    }
}
