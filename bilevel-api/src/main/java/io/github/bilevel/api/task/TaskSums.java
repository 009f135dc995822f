package io.github.bilevel.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.github.bilevel.api.Hypergradient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apiguardian.api.API;

/**
 * The order in which the per-task hypergradients of an outer iteration are added, the same on every executor: a
 * balanced binary tree over the task indices. The sum over the tasks {@code [lo, hi)} is the sum over {@code [lo, mid)}
 * plus the sum over {@code [mid, hi)}, {@code mid = (lo + hi) >>> 1}; one task is its own hypergradient. Objectives and
 * every array are added in that order.
 *
 * <p>Because the order depends on the number of tasks alone, an executor that computes a range of tasks apart (a
 * partition on a cluster) adds them within the tree's nodes that cover its range ({@link #cover}) and hands on those
 * partial sums only; {@link #combine} adds partial sums up to the root with the same bits as {@link #sum(List)} of all
 * tasks. Experimental.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class TaskSums {
    private TaskSums() {
    }

    /** A node of the tree: the tasks {@code [lo, hi)}. */
    public record Node(int lo, int hi) implements java.io.Serializable {
        public Node {
            if (lo < 0 || hi <= lo) {
                throw new IllegalArgumentException("A node holds the tasks [lo, hi) with 0 <= lo < hi, got [" + lo
                        + ", " + hi + ")");
            }
        }
    }

    /**
     * The sum of {@code tasks}, in tree order.
     *
     * @throws IllegalArgumentException if there are no tasks, or two tasks name different arrays
     */
    public static Hypergradient sum(List<Hypergradient> tasks) {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("No task hypergradients to add");
        }
        return sum(new Node(0, tasks.size()), tasks::get);
    }

    /** The sum over the tasks of {@code node}, in tree order; {@code task.apply(i)} is task i's hypergradient. */
    public static Hypergradient sum(Node node, IntFunction<Hypergradient> task) {
        if (node.hi() - node.lo() == 1) {
            return task.apply(node.lo());
        }
        int mid = (node.lo() + node.hi()) >>> 1;
        return add(sum(new Node(node.lo(), mid), task), sum(new Node(mid, node.hi()), task));
    }

    /**
     * The largest nodes of the tree over {@code n} tasks that lie inside {@code [lo, hi)}, in task order: together
     * they hold each task of the range once.
     */
    public static List<Node> cover(int lo, int hi, int n) {
        if (lo < 0 || hi > n || lo >= hi) {
            throw new IllegalArgumentException("Tasks [" + lo + ", " + hi + ") are not a range of " + n + " tasks");
        }
        List<Node> out = new ArrayList<>();
        cover(new Node(0, n), lo, hi, out);
        return out;
    }

    private static void cover(Node node, int lo, int hi, List<Node> out) {
        if (node.hi() <= lo || node.lo() >= hi) {
            return;
        }
        if (lo <= node.lo() && node.hi() <= hi) {
            out.add(node);
            return;
        }
        int mid = (node.lo() + node.hi()) >>> 1;
        cover(new Node(node.lo(), mid), lo, hi, out);
        cover(new Node(mid, node.hi()), lo, hi, out);
    }

    /**
     * The sum over all {@code n} tasks from partial sums of nodes of the tree (for example each range's
     * {@link #cover}), with the bits of {@link #sum(List)} over the tasks themselves.
     *
     * @throws IllegalArgumentException if the nodes do not hold every task exactly once as nodes of the tree
     */
    public static Hypergradient combine(int n, Map<Node, Hypergradient> partial) {
        if (n < 1) {
            throw new IllegalArgumentException("No task hypergradients to add");
        }
        int[] used = {0};
        Hypergradient total = combine(new Node(0, n), partial, used);
        if (used[0] != partial.size()) {
            throw new IllegalArgumentException("Partial sums " + partial.keySet() + " are not disjoint nodes of the "
                    + "tree over " + n + " tasks");
        }
        return total;
    }

    private static Hypergradient combine(Node node, Map<Node, Hypergradient> partial, int[] used) {
        Hypergradient h = partial.get(node);
        if (h != null) {
            used[0]++;
            return h;
        }
        if (node.hi() - node.lo() == 1) {
            throw new IllegalArgumentException("No partial sum holds task " + node.lo() + " (have " + partial.keySet()
                    + ")");
        }
        int mid = (node.lo() + node.hi()) >>> 1;
        return add(combine(new Node(node.lo(), mid), partial, used), combine(new Node(mid, node.hi()), partial, used));
    }

    /** {@code a + b}: objectives and each array, element by element. */
    static Hypergradient add(Hypergradient a, Hypergradient b) {
        if (!a.gradients().keySet().equals(b.gradients().keySet())) {
            throw new IllegalArgumentException("Task hypergradients name different arrays: " + a.gradients().keySet()
                    + " and " + b.gradients().keySet());
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : a.gradients().entrySet()) {
            double[] x = e.getValue();
            double[] y = b.gradients().get(e.getKey());
            if (x.length != y.length) {
                throw new IllegalArgumentException("Task hypergradients of '" + e.getKey() + "' have " + x.length
                        + " and " + y.length + " values");
            }
            double[] s = new double[x.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = x[i] + y[i];
            }
            out.put(e.getKey(), s);
        }
        return new Hypergradient(a.outerObjective() + b.outerObjective(), out);
    }
}
