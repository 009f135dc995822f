package io.github.bilevel.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.core.outer.LocalTaskExecutor;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Tasks of one meta-batch share a region key; on a compiling backend they must still run at the same time. */
class ConcurrentRegionsTest {

    /**
     * The reference backend with a compiler; while {@code meet} is armed, the first read back on each of two threads
     * waits until both threads are at it: that happens only if two compiled regions are in flight at once.
     */
    private static Backend meetingBackend(AtomicBoolean armed, CyclicBarrier meet) {
        ReferenceBackend ref = new ReferenceBackend();
        GraphCompiler compiler = graph -> new GraphCompiler.Compiled() {
            @Override
            public List<NdArray> run(List<NdArray> inputs) {
                return graph.evaluate(ref, inputs);
            }

            @Override
            public void close() {
            }
        };
        ThreadLocal<Boolean> met = ThreadLocal.withInitial(() -> false);
        return CompilingBackends.offering(ref, compiler, method -> {
            if (method.equals("toDoubles") && armed.get() && !met.get()) {
                met.set(true);
                meet.await(20, TimeUnit.SECONDS); // TimeoutException: the other task never got into its region
            }
        });
    }

    @Test
    void twoTasksOfAMetaBatchAreInTheirCompiledRegionsAtTheSameTime() {
        AtomicBoolean armed = new AtomicBoolean(false);
        CyclicBarrier meet = new CyclicBarrier(2);
        Ops ops = new Engine(meetingBackend(armed, meet), DType.FLOAT64);
        Ops eager = new Engine(new ReferenceBackend(), DType.FLOAT64);
        ReverseMode reverse = new ReverseMode(); // one strategy, one problem class: every task has the same region key
        GradientDescent gd = new GradientDescent(0.01);
        List<RidgeRegressionProblem> tasks = List.of(new RidgeRegressionProblem(20, 3, 1.0, 1L),
                new RidgeRegressionProblem(20, 3, 1.0, 2L));
        Map<String, double[]> values = Map.of(RidgeRegressionProblem.LAMBDA, new double[] {0.8});
        // A first, sequential call records a region; the concurrent ones then replay it and record a second.
        HyperparameterValues.compute(ops, reverse, tasks.get(0), gd, values, 10, Map.of());
        try (LocalTaskExecutor executor = new LocalTaskExecutor(2)) {
            for (int round = 0; round < 2; round++) {
                armed.set(round == 0);
                List<Callable<Hypergradient>> jobs = new ArrayList<>();
                for (RidgeRegressionProblem p : tasks) {
                    jobs.add(() -> HyperparameterValues.compute(ops, reverse, p, gd, values, 10, Map.of()));
                }
                List<Hypergradient> got = executor.invokeAll(jobs);
                for (int i = 0; i < tasks.size(); i++) {
                    Hypergradient expected = HyperparameterValues.compute(eager, reverse, tasks.get(i), gd, values,
                            10, Map.of());
                    assertArrayEquals(expected.get(RidgeRegressionProblem.LAMBDA),
                            got.get(i).get(RidgeRegressionProblem.LAMBDA), 0.0, "round " + round + ", task " + i);
                }
            }
        }
        assertTrue(meet.getNumberWaiting() == 0 && !meet.isBroken(), "both tasks met inside their regions");
    }

    @Test
    void aRegionEvictedWhileARunUsesItIsClosedOnlyWhenTheRunEnds() throws Exception {
        ReferenceBackend ref = new ReferenceBackend();
        java.util.concurrent.atomic.AtomicInteger closedWhileRunning = new java.util.concurrent.atomic.AtomicInteger();
        GraphCompiler compiler = graph -> new GraphCompiler.Compiled() {
            private volatile boolean closed;

            @Override
            public List<NdArray> run(List<NdArray> inputs) {
                if (closed) {
                    closedWhileRunning.incrementAndGet();
                    throw new IllegalStateException("compiled graph run after close");
                }
                return graph.evaluate(ref, inputs);
            }

            @Override
            public void close() {
                closed = true;
            }
        };
        java.util.concurrent.CountDownLatch paused = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
        AtomicBoolean pauseHere = new AtomicBoolean(false);
        Backend backend = CompilingBackends.offering(ref, compiler, method -> {
            if (method.equals("toDoubles") && pauseHere.compareAndSet(true, false)) {
                paused.countDown();
                assertTrue(resume.await(20, TimeUnit.SECONDS), "the other thread never resumed this run");
            }
        });
        Ops ops = new Engine(backend, DType.FLOAT64);
        ReverseMode reverse = new ReverseMode();
        RidgeRegressionProblem p = new RidgeRegressionProblem(20, 3, 1.0, 1L);
        GradientDescent gd = new GradientDescent(0.01);
        Map<String, double[]> values = Map.of(RidgeRegressionProblem.LAMBDA, new double[] {0.8});
        Hypergradient expected = HyperparameterValues.compute(ops, reverse, p, gd, values, 10, Map.of()); // records
        pauseHere.set(true);
        java.util.concurrent.CompletableFuture<Hypergradient> replay = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> HyperparameterValues.compute(ops, reverse, p, gd, values, 10, Map.of()));
        assertTrue(paused.await(20, TimeUnit.SECONDS), "the replay reached its first read");
        // Forty other keys evict the replay's key (at most 32 are kept) while the replay is paused inside its region.
        for (int k = 0; k < 40; k++) {
            double v = k;
            ops.compiled(List.of("other", k), () -> ops.sum(ops.constant(new double[] {v, 1},
                    io.github.bilevel.api.tensor.Shape.of(2))).item());
        }
        resume.countDown();
        Hypergradient got = replay.get(20, TimeUnit.SECONDS);
        assertArrayEquals(expected.get(RidgeRegressionProblem.LAMBDA), got.get(RidgeRegressionProblem.LAMBDA), 0.0);
        assertTrue(closedWhileRunning.get() == 0, "no compiled graph of the running region was closed under it");
    }
}
