package io.github.bilevel.plugin.implicit;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import java.util.List;

/**
 * Implicit differentiation with the inverse Hessian approximated by the Neumann series
 * {@code H⁻¹ ≈ η Σ_{k=0}^{K} (I − ηH)^k} (id {@code implicit-neumann}); terms are added until they are below the
 * tolerance relative to the sum, or {@code iterations} terms. η as in {@link FixedPoint}.
 */
public final class Neumann extends ImplicitStrategy {

    @Override
    public String id() {
        return "implicit-neumann";
    }

    @Override
    List<Tensor> solve(Ops ops, LinearOperator h, List<Tensor> b, int iterations, double tolerance) {
        double eta = FixedPoint.defaultStep(ops, h, b);
        List<Tensor> term = b;
        List<Tensor> sum = b;
        for (int k = 1; k < iterations; k++) {
            try (Scope sc = ops.scope()) {
                List<Tensor> next = keepAll(sc, axpy(ops, term, -eta, h.apply(term)));
                List<Tensor> total = keepAll(sc, axpy(ops, sum, 1.0, next));
                term = next;
                sum = total;
                if (dot(ops, term, term) <= tolerance * tolerance * dot(ops, sum, sum)) {
                    break;
                }
            }
        }
        try (Scope sc = ops.scope()) {
            List<Tensor> scaled = new java.util.ArrayList<>();
            for (Tensor t : sum) {
                scaled.add(sc.keep(ops.mul(t, eta)));
            }
            return scaled;
        }
    }
}
