package com.example.bilevel.plugin;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.support.HyperparameterValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simplest hypergradient: run the inner solver for T steps keeping every step's graph (inner gradients taken with
 * {@code createGraph = true}), then differentiate the outer objective at {@code w_T} with respect to the
 * hyperparameters through all of them. Exact for the T-step problem, like the core's {@code reverse}, but it holds the
 * whole unrolled graph: memory O(T·graph). It takes no options of its own.
 */
public final class UnrolledStrategy implements HypergradientStrategy {
    public static final String ID = "unrolled";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Hypergradient compute(HypergradientRequest request) {
        for (String option : request.options().keySet()) {
            if (!option.equals("compile")) { // compile=off is read by HyperparameterValues.compute, not here
                throw new IllegalArgumentException("Option " + option + "='" + request.options().get(option)
                        + "' is not known to strategy " + ID + ", which takes none");
            }
        }
        Ops ops = request.ops();
        List<String> names = new ArrayList<>(request.hyper().asMap().keySet());
        List<Tensor> lambda = new ArrayList<>(request.hyper().asMap().values());
        try (Scope scope = ops.scope()) { // every tensor made below is freed when this returns
            // the problem's derived tensors (a shared representation), connected to λ
            Hyperparameters hyper = HyperparameterValues.withDerived(ops, request.problem(), request.hyper());
            SolverState state = request.solver().initialize(ops, request.problem().initialParameters(ops, hyper), hyper);
            for (int t = 0; t < request.steps(); t++) {
                Tensor loss = request.problem().innerObjective(ops, state.parameters(), hyper, t);
                List<Tensor> gradients = ops.grad(loss, state.parameters(), true);
                state = request.solver().step(ops, state, gradients, hyper, t);
            }
            Tensor outer = request.problem().outerObjective(ops, state.parameters(), hyper);
            List<Tensor> dLambda = ops.grad(outer, lambda, false);
            Map<String, double[]> gradients = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                gradients.put(names.get(i), dLambda.get(i).toDoubleArray());
            }
            return new Hypergradient(outer.item(), gradients);
        }
    }
}
