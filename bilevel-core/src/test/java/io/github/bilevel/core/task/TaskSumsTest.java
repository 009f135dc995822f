package io.github.bilevel.core.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.task.TaskSums;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The order in which executors add task hypergradients, and partial sums that add up to the same bits. */
class TaskSumsTest {

    private static Hypergradient h(double objective, double... g) {
        return new Hypergradient(objective, Map.of("g", g));
    }

    @Test
    void threeTasksAddAsTheFirstPlusTheSumOfTheOtherTwo() {
        // in task order, 1 + 1e16 rounds to 1e16 and the sum is 0; the tree adds 1e16 and -1e16 first
        Hypergradient s = TaskSums.sum(List.of(h(1.0, 1.0), h(1e16, 1e16), h(-1e16, -1e16)));
        assertEquals(1.0, s.outerObjective(), 0.0);
        assertArrayEquals(new double[] {1.0}, s.get("g"), 0.0);
        // four: (t0 + t1) + (t2 + t3)
        Hypergradient four = TaskSums.sum(List.of(h(1e16, 1e16), h(1.0, 1.0), h(-1e16, -1e16), h(1.0, 1.0)));
        assertArrayEquals(new double[] {(1e16 + 1.0) + (-1e16 + 1.0)}, four.get("g"), 0.0);
        assertEquals(0.0, four.get("g")[0], 0.0);
        Hypergradient one = h(2.5, 3.0);
        assertArrayEquals(new double[] {3.0}, TaskSums.sum(List.of(one)).get("g"), 0.0);
    }

    @Test
    void partialSumsOverAnySplitIntoRangesGiveTheBitsOfTheWholeSum() {
        Random rnd = new Random(7);
        for (int n = 1; n <= 33; n++) {
            List<Hypergradient> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double[] g = new double[5];
                for (int j = 0; j < g.length; j++) {
                    g[j] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12) - 6); // magnitudes 1e-6 to 1e5
                }
                tasks.add(new Hypergradient(rnd.nextGaussian(), Map.of("g", g, "h", new double[] {rnd.nextDouble()})));
            }
            Hypergradient whole = TaskSums.sum(tasks);
            for (int trial = 0; trial < 20; trial++) {
                Map<TaskSums.Node, Hypergradient> partial = new HashMap<>();
                int lo = 0;
                List<Integer> covered = new ArrayList<>();
                while (lo < n) {
                    int hi = lo + 1 + rnd.nextInt(n - lo);
                    for (TaskSums.Node node : TaskSums.cover(lo, hi, n)) {
                        for (int i = node.lo(); i < node.hi(); i++) {
                            covered.add(i);
                        }
                        partial.put(node, TaskSums.sum(node, tasks::get));
                    }
                    lo = hi;
                }
                // the covers hold every task once, in order
                assertEquals(java.util.stream.IntStream.range(0, n).boxed().toList(), covered);
                Hypergradient combined = TaskSums.combine(n, partial);
                assertEquals(Double.doubleToRawLongBits(whole.outerObjective()),
                        Double.doubleToRawLongBits(combined.outerObjective()), "n = " + n);
                for (String name : List.of("g", "h")) {
                    double[] a = whole.get(name);
                    double[] b = combined.get(name);
                    for (int j = 0; j < a.length; j++) {
                        assertEquals(Double.doubleToRawLongBits(a[j]), Double.doubleToRawLongBits(b[j]),
                                "n = " + n + ", " + name + "[" + j + "]");
                    }
                }
            }
        }
    }

    @Test
    void aCoverIsTheLargestNodesInsideTheRange() {
        // the tree over 8 tasks: [0,8) -> [0,4) [4,8) -> [0,2) [2,4) ... ; over 5: [0,5) -> [0,2) [2,5) -> [2,3) [3,5)
        assertEquals(List.of(new TaskSums.Node(0, 8)), TaskSums.cover(0, 8, 8));
        assertEquals(List.of(new TaskSums.Node(1, 2), new TaskSums.Node(2, 4), new TaskSums.Node(4, 6)),
                TaskSums.cover(1, 6, 8));
        assertEquals(List.of(new TaskSums.Node(2, 5)), TaskSums.cover(2, 5, 5));
        assertEquals(List.of(new TaskSums.Node(0, 2), new TaskSums.Node(2, 3)), TaskSums.cover(0, 3, 5));
        assertThrows(IllegalArgumentException.class, () -> TaskSums.cover(3, 3, 5));
        assertThrows(IllegalArgumentException.class, () -> TaskSums.cover(0, 6, 5));
    }

    @Test
    void missingOverlappingOrMismatchedPartsAreRefused() {
        Hypergradient x = h(1, 1);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TaskSums.combine(4, Map.of(new TaskSums.Node(0, 2), x, new TaskSums.Node(2, 3), x)));
        assertTrue(missing.getMessage().contains("task 3"), missing.getMessage());
        // [0,4) is the root: [1,2) beside it is a task counted twice
        assertThrows(IllegalArgumentException.class,
                () -> TaskSums.combine(4, Map.of(new TaskSums.Node(0, 4), x, new TaskSums.Node(1, 2), x)));
        // [1,3) is no node of the tree over 4 tasks
        assertThrows(IllegalArgumentException.class, () -> TaskSums.combine(4, Map.of(new TaskSums.Node(0, 1), x,
                new TaskSums.Node(1, 3), x, new TaskSums.Node(3, 4), x)));
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> TaskSums.sum(List.of(x, new Hypergradient(1, Map.of("other", new double[] {1})))));
        assertTrue(names.getMessage().contains("different arrays"), names.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TaskSums.sum(List.of(x, h(1, 1, 2))));
        assertThrows(IllegalArgumentException.class, () -> TaskSums.sum(List.of()));
    }
}
