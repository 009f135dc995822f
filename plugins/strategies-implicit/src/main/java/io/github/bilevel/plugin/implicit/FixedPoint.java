package io.github.bilevel.plugin.implicit;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Implicit differentiation with the linear system solved by the fixed-point iteration
 * {@code q ← q − η(Hq − b)} from {@code q = 0} (id {@code implicit-fixed-point}). The step η is {@code 1/λ_max(H)},
 * estimated by power iteration, unless the option {@code eta} gives it.
 */
public class FixedPoint extends ImplicitStrategy {

    @Override
    public String id() {
        return "implicit-fixed-point";
    }

    /** {@code 1 / λ_max(H)} by 100 power iterations from a vector of ones. */
    static double defaultStep(Ops ops, LinearOperator h, List<Tensor> like) {
        List<Tensor> v = new ArrayList<>();
        for (Tensor t : like) {
            v.add(ops.add(ops.zerosLike(t), 1.0));
        }
        double norm = Math.sqrt(dot(ops, v, v));
        double lambda = 0;
        for (int k = 0; k < 100; k++) {
            try (Scope sc = ops.scope()) {
                List<Tensor> hv = h.apply(v);
                double hn = Math.sqrt(dot(ops, hv, hv));
                lambda = hn / norm;
                List<Tensor> next = new ArrayList<>();
                for (Tensor t : hv) {
                    next.add(sc.keep(ops.div(t, hn)));
                }
                v = next;
                norm = 1.0;
            }
        }
        return 1.0 / lambda;
    }

    @Override
    List<Tensor> solve(Ops ops, LinearOperator h, List<Tensor> b, int iterations, double tolerance) {
        double eta = defaultStep(ops, h, b);
        double bb = dot(ops, b, b);
        List<Tensor> q = new ArrayList<>();
        for (Tensor t : b) {
            q.add(ops.zerosLike(t));
        }
        for (int k = 0; k < iterations; k++) {
            try (Scope sc = ops.scope()) {
                List<Tensor> residual = axpy(ops, h.apply(q), -1.0, b);
                double rr = dot(ops, residual, residual);
                if (rr <= tolerance * tolerance * bb) {
                    break;
                }
                q = keepAll(sc, axpy(ops, q, -eta, residual));
            }
        }
        return q;
    }
}
