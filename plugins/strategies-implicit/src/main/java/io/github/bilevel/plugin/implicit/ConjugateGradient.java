package io.github.bilevel.plugin.implicit;

import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Implicit differentiation with the linear system solved by conjugate gradient (id {@code implicit-cg}). */
public final class ConjugateGradient extends ImplicitStrategy {

    @Override
    public String id() {
        return "implicit-cg";
    }

    @Override
    List<Tensor> solve(Ops ops, LinearOperator h, List<Tensor> b, int iterations, double tolerance) {
        List<Tensor> x = new ArrayList<>();
        for (Tensor t : b) {
            x.add(ops.zerosLike(t));
        }
        List<Tensor> r = b;
        List<Tensor> p = b;
        double rs = dot(ops, r, r);
        double stop = tolerance * tolerance * rs;
        for (int k = 0; k < iterations && rs > stop && rs > 0; k++) {
            try (Scope sc = ops.scope()) {
                List<Tensor> hp = h.apply(p);
                double alpha = rs / dot(ops, p, hp);
                List<Tensor> xNext = keepAll(sc, axpy(ops, x, alpha, p));
                List<Tensor> rNext = keepAll(sc, axpy(ops, r, -alpha, hp));
                double rsNext = dot(ops, rNext, rNext);
                List<Tensor> pNext = keepAll(sc, axpy(ops, rNext, rsNext / rs, p));
                x = xNext;
                r = rNext;
                p = pNext;
                rs = rsNext;
            }
        }
        return x;
    }
}
