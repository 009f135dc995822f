package io.github.bilevel.core.autodiff;

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
 * graphs of any depth work.
 */
final class Differentiator {
    private final Engine engine;

    Differentiator(Engine engine) {
        this.engine = engine;
    }

    List<Tensor> vjp(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> cotangents) {
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
