package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse accumulation over the recorded graph. Only nodes on a path from a requested input to an output are
 * differentiated, so constants (data) cost nothing. Ids give the topological order, so no recursion is needed and
 * graphs of any depth work. The derivative entry points of {@link Engine} ({@code grad}, {@code vjp}, {@code jvp},
 * {@code hvp}, {@code mixedHvp}) check their arguments here and build every derivative from the engine's ops, so
 * derivatives of any order are recorded like any other computation.
 */
final class Differentiator {
    private final Engine engine;

    Differentiator(Engine engine) {
        this.engine = engine;
    }

    // ---- entry points: arguments checked, then reverse accumulation --------------------------------------------

    List<Tensor> grad(Tensor y, List<Tensor> xs, boolean createGraph) {
        if (y.size() != 1) {
            throw new IllegalArgumentException("grad needs a scalar output, got shape " + y.shape()
                    + "; use vjp() for non-scalar outputs");
        }
        return vjp(List.of(y), xs, List.of(engine.onesLike(y)), createGraph);
    }

    List<Tensor> vjp(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> cotangents, boolean createGraph) {
        if (outputs.size() != cotangents.size()) {
            throw new IllegalArgumentException("vjp: " + outputs.size() + " outputs but " + cotangents.size() + " cotangents");
        }
        for (int i = 0; i < outputs.size(); i++) {
            if (!outputs.get(i).shape().equals(cotangents.get(i).shape())) {
                throw new IllegalArgumentException("vjp: cotangent " + i + " has shape " + cotangents.get(i).shape()
                        + " but output " + i + " has shape " + outputs.get(i).shape());
            }
        }
        outputs.forEach(engine.tracer()::own);
        inputs.forEach(engine.tracer()::own);
        cotangents.forEach(engine.tracer()::own);
        if (createGraph) {
            return reverse(outputs, inputs, cotangents);
        }
        return engine.tracer().withoutRecording(() -> reverse(outputs, inputs, cotangents));
    }

    List<Tensor> jvp(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> tangents, boolean createGraph) {
        if (inputs.size() != tangents.size()) {
            throw new IllegalArgumentException("jvp: " + inputs.size() + " inputs but " + tangents.size() + " tangents");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).shape().equals(tangents.get(i).shape())) {
                throw new IllegalArgumentException("jvp: tangent " + i + " has shape " + tangents.get(i).shape()
                        + " but input " + i + " has shape " + inputs.get(i).shape());
            }
        }
        // Forward mode by double reverse: u ↦ Jᵀu is linear, so its vjp with the tangents is J·tangents.
        List<Tensor> dummies = new ArrayList<>();
        for (Tensor o : outputs) {
            dummies.add(engine.zerosLike(o));
        }
        List<Tensor> pullback = vjp(outputs, inputs, dummies, true);
        return vjp(pullback, dummies, tangents, createGraph);
    }

    List<Tensor> hvp(Tensor y, List<Tensor> inputs, List<Tensor> vectors, boolean createGraph) {
        return vjp(List.of(directional(y, inputs, vectors)), inputs, List.of(engine.full(Shape.scalar(), 1.0, y.dtype())), createGraph);
    }

    List<Tensor> mixedHvp(Tensor y, List<Tensor> inner, List<Tensor> vectors, List<Tensor> hyper,
                                 boolean createGraph) {
        return vjp(List.of(directional(y, inner, vectors)), hyper, List.of(engine.full(Shape.scalar(), 1.0, y.dtype())), createGraph);
    }

    /** {@code Σ_i <∇_{inputs_i} y, vectors_i>} as a differentiable scalar. */
    private Tensor directional(Tensor y, List<Tensor> inputs, List<Tensor> vectors) {
        if (inputs.size() != vectors.size()) {
            throw new IllegalArgumentException(inputs.size() + " inputs but " + vectors.size() + " vectors");
        }
        List<Tensor> g = grad(y, inputs, true);
        Tensor s = null;
        for (int i = 0; i < g.size(); i++) {
            if (!g.get(i).shape().equals(vectors.get(i).shape())) {
                throw new IllegalArgumentException("vector " + i + " has shape " + vectors.get(i).shape()
                        + " but input " + i + " has shape " + g.get(i).shape());
            }
            Tensor term = engine.sum(engine.mul(g.get(i), vectors.get(i)));
            s = s == null ? term : engine.add(s, term);
        }
        return s == null ? engine.full(Shape.scalar(), 0.0, y.dtype()) : s;
    }

    /** Reverse accumulation of {@code cotangents} from {@code outputs} to {@code inputs}. */
    private List<Tensor> reverse(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> cotangents) {
        List<TracedTensor> nodes = reachable(outputs);
        Set<TracedTensor> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor x : inputs) {
            wanted.add((TracedTensor) x);
        }
        // relevant = depends on a wanted input; ascending id order visits inputs before their consumers
        Set<TracedTensor> relevant = Collections.newSetFromMap(new IdentityHashMap<>());
        for (TracedTensor n : nodes) {
            boolean r = wanted.contains(n);
            for (int i = 0; !r && i < n.inputs.length; i++) {
                r = relevant.contains(n.inputs[i]);
            }
            if (r) {
                relevant.add(n);
            }
        }
        Map<TracedTensor, Tensor> cot = new IdentityHashMap<>();
        for (int k = 0; k < outputs.size(); k++) {
            TracedTensor o = (TracedTensor) outputs.get(k);
            if (relevant.contains(o)) {
                accumulate(cot, o, cotangents.get(k));
            }
        }
        for (int idx = nodes.size() - 1; idx >= 0; idx--) {
            TracedTensor n = nodes.get(idx);
            Tensor g = cot.get(n);
            if (g == null || n.op == null) {
                continue;
            }
            boolean[] needed = new boolean[n.inputs.length];
            boolean any = false;
            for (int i = 0; i < needed.length; i++) {
                needed[i] = relevant.contains(n.inputs[i]);
                any |= needed[i];
            }
            if (!any) {
                continue;
            }
            Tensor[] grads = n.op.vjp(engine, n, g, needed);
            for (int i = 0; i < needed.length; i++) {
                if (needed[i] && grads[i] != null) {
                    if (!grads[i].shape().equals(n.inputs[i].shape())) {
                        throw new IllegalStateException("Derivative rule of " + n.op.name() + " returned shape "
                                + grads[i].shape() + " for an input of shape " + n.inputs[i].shape());
                    }
                    accumulate(cot, n.inputs[i], grads[i]);
                }
            }
        }
        List<Tensor> result = new ArrayList<>(inputs.size());
        for (Tensor x : inputs) {
            Tensor g = cot.get((TracedTensor) x);
            result.add(g != null ? g : engine.zerosLike(x));
        }
        return result;
    }

    private void accumulate(Map<TracedTensor, Tensor> cot, TracedTensor node, Tensor g) {
        Tensor prev = cot.get(node);
        cot.put(node, prev == null ? g : engine.add(prev, g));
    }

    /** All nodes reachable from the outputs through recorded inputs, in ascending id (topological) order. */
    private static List<TracedTensor> reachable(List<Tensor> outputs) {
        Set<TracedTensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<TracedTensor> stack = new ArrayDeque<>();
        for (Tensor o : outputs) {
            TracedTensor t = (TracedTensor) o;
            if (seen.add(t)) {
                stack.push(t);
            }
        }
        List<TracedTensor> nodes = new ArrayList<>();
        while (!stack.isEmpty()) {
            TracedTensor t = stack.pop();
            nodes.add(t);
            for (TracedTensor in : t.inputs) {
                if (seen.add(in)) {
                    stack.push(in);
                }
            }
        }
        nodes.sort(Comparator.comparingLong(t -> t.id));
        return nodes;
    }
}
