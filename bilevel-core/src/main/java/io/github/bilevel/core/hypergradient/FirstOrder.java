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
 * The first-order approximation of the hypergradient: the inner dynamics are taken to pass derivatives through
 * unchanged, {@code ∂w_T/∂w_0 = I} and {@code ∂w_T/∂λ = 0} along the steps, so
 * {@code g = ∂E/∂λ + (∂w_0/∂λ)ᵀ ∂E/∂w_T}, both at {@code w_T}. For a learned initialization this is first-order MAML
 * (Finn et al. 2017, section 5.2): the query gradient at the adapted weights. One run of the T steps without
 * derivative graphs and one gradient of E; no second derivatives. Hyperparameters that reach {@code w_T} only through
 * the steps (an inner learning rate) get no gradient. The problem's derived tensors stay connected to λ, so the
 * outer objective's direct dependence on them counts.
 */
public final class FirstOrder implements HypergradientStrategy {

    @Override
    public String id() {
        return "first-order";
    }

    @Override
    public Hypergradient compute(HypergradientRequest request) {
        Ops ops = request.ops();
        List<String> names = new ArrayList<>(request.hyper().asMap().keySet());
        List<Tensor> lambda = new ArrayList<>(request.hyper().asMap().values());
        try (Scope outer = ops.scope()) {
            Dynamics dynamics = new Dynamics(request);
            Hyperparameters hyper = dynamics.hyper();
            List<Tensor> w = dynamics.innerSolution(request.steps());
            Tensor e = dynamics.outer(SolverState.of(w, w.size()));
            List<Tensor> inputs = new ArrayList<>(w);
            inputs.addAll(lambda);
            List<Tensor> dE = ops.grad(e, inputs, false);
            // (∂w_0/∂λ)ᵀ · ∂E/∂w_T
            List<Tensor> throughStart = ops.vjp(request.problem().initialParameters(ops, hyper), lambda,
                    dE.subList(0, w.size()), false);
            Map<String, double[]> g = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                double[] direct = dE.get(w.size() + i).toDoubleArray();
                double[] start = throughStart.get(i).toDoubleArray();
                for (int j = 0; j < direct.length; j++) {
                    direct[j] += start[j];
                }
                g.put(names.get(i), direct);
            }
            return new Hypergradient(e.item(), g);
        }
    }
}
