package io.github.bilevel.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientSpec;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.MemoryStats;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.support.solver.GradientDescent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each sentence of docs/EMBEDDING.md, checked on the real backends: what may be shared between threads, several
 * runtimes at once, memory given back on close, and plugins seen through the loader a runtime is given.
 */
class EmbeddingContractTest {
    private static final RidgeRegressionProblem RIDGE = new RidgeRegressionProblem(40, 8, 1.0, 7);
    private static final int T = 60;

    private static BilevelRuntime runtime(String backend) {
        return BilevelRuntime.builder().backend(backend).dtype(DType.FLOAT64).threads(1).build();
    }

    /** One solver instance per λ, shared by every thread that uses it: the shipped solvers are immutable. */
    private static final java.util.Map<Double, GradientDescent> SOLVERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static double[] hypergradient(BilevelRuntime rt, double lambda) {
        GradientDescent solver = SOLVERS.computeIfAbsent(lambda, l -> new GradientDescent(1.0 / RIDGE.lipschitzConstant(l)));
        Hypergradient h = rt.hypergradient(HypergradientSpec.of(RIDGE, solver, T).strategy("reverse")
                .at(RidgeRegressionProblem.LAMBDA, lambda));
        return new double[] {h.outerObjective(), h.get(RidgeRegressionProblem.LAMBDA)[0]};
    }

    private static <T> List<T> inParallel(List<Callable<T>> jobs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(jobs.size());
        try {
            List<T> out = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(jobs)) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "nd4j", "tensorflow"})
    void oneRuntimeServesSeveralThreadsWithTheResultsOfOneThread(String backend) throws Exception {
        double[] lambdas = {0.5, 1.0, 2.0, 4.0};
        try (BilevelRuntime rt = runtime(backend)) {
            List<double[]> alone = new ArrayList<>();
            for (double l : lambdas) {
                alone.add(hypergradient(rt, l));
            }
            for (int round = 0; round < 3; round++) {
                List<Callable<double[]>> jobs = new ArrayList<>();
                for (double l : lambdas) {
                    jobs.add(() -> hypergradient(rt, l));
                }
                List<double[]> together = inParallel(jobs);
                for (int i = 0; i < lambdas.length; i++) {
                    assertArrayEquals(alone.get(i), together.get(i), 0.0, backend + ", λ = " + lambdas[i]);
                }
            }
            assertEquals(0, rt.engine().memory().liveArrays(), "hypergradients free what they create");
        }
    }

    @Test
    void runtimesOnDifferentBackendsRunAtTheSameTimeAndAgreeWithThemselvesAlone() throws Exception {
        List<String> backends = List.of("reference", "nd4j", "tensorflow");
        List<double[]> alone = new ArrayList<>();
        for (String b : backends) {
            try (BilevelRuntime rt = runtime(b)) {
                alone.add(hypergradient(rt, 2.0));
            }
        }
        List<Callable<double[]>> jobs = new ArrayList<>();
        for (String b : backends) {
            jobs.add(() -> {
                try (BilevelRuntime rt = runtime(b)) {
                    double[] last = null;
                    for (int i = 0; i < 5; i++) {
                        last = hypergradient(rt, 2.0);
                    }
                    return last;
                }
            });
        }
        List<double[]> together = inParallel(jobs);
        for (int i = 0; i < backends.size(); i++) {
            assertArrayEquals(alone.get(i), together.get(i), 0.0, backends.get(i));
            // Different kernels, same mathematics: the float64 results agree closely across backends too.
            assertEquals(alone.get(0)[1], alone.get(i)[1], 1e-9 * Math.abs(alone.get(0)[1]), backends.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "nd4j", "tensorflow"})
    void closingARuntimeFreesTheTensorsStillHeldAndRefusesFurtherUse(String backend) {
        BilevelRuntime rt = runtime(backend);
        Ops ops = rt.ops();
        Tensor kept = ops.constant(new double[] {1, 2, 3}, io.github.bilevel.api.tensor.Shape.of(3));
        Tensor sum = ops.sum(ops.mul(kept, kept));
        MemoryStats held = rt.engine().memory();
        assertTrue(held.liveArrays() >= 2, held.toString());
        rt.close();
        MemoryStats after = rt.engine().memory();
        assertEquals(0, after.liveArrays(), "arrays left after close: " + after);
        assertEquals(0, after.liveBytes(), after.toString());
        assertThrows(IllegalStateException.class, () -> ops.add(kept, sum));
        rt.close();
    }

    /**
     * 1,000 open/close cycles per backend, each in a JVM of its own with the launcher's settings (serial collector,
     * JavaCPP's physical memory check off) and a fixed, pre-touched heap, the two at once: from cycle 200 to cycle
     * 1,000 resident memory stays where it was, and JavaCPP's live native bytes stay small.
     */
    @Test
    void openingAndClosingRuntimesGivesTheirMemoryBack() throws Exception {
        List<String> backends = List.of("nd4j", "tensorflow");
        List<Process> processes = new ArrayList<>();
        for (String backend : backends) {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                    // A heap of fixed size, touched at start: resident memory then grows only with native memory
                    // (otherwise it grows as the collector first touches the heap's pages, up to its size).
                    "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-cp",
                    System.getProperty("java.class.path"), RuntimeCycles.class.getName(), backend,
                    Integer.toString(WARM_UP), Integer.toString(CYCLES - WARM_UP)).redirectErrorStream(true).start());
        }
        for (int b = 0; b < backends.size(); b++) {
            Process p = processes.get(b);
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), out);
            assertEquals(0, p.exitValue(), out);
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("cycle (\\d+) rss (\\d+) native (-?\\d+) seconds").matcher(out);
            long[][] at = new long[2][];
            for (int i = 0; i < 2; i++) {
                assertTrue(m.find(), out);
                at[i] = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
            }
            String backend = backends.get(b);
            System.out.println(backend + ": " + out.lines().filter(l -> l.startsWith("cycle")).toList());
            long grown = at[1][1] - at[0][1];
            assertTrue(grown < 64L << 20, backend + ": resident memory grew by " + (grown >> 20) + " MB from cycle "
                    + at[0][0] + " to " + at[1][0] + "\n" + out);
            // JavaCPP frees what the collector found through a queue of its own, so its count lags: bound it only.
            assertTrue(at[1][2] < 64L << 20, backend + ": JavaCPP's live bytes " + at[1][2] + "\n" + out);
        }
    }

    private static final int CYCLES = Integer.getInteger("embedding.cycles", 1000);
    private static final int WARM_UP = 200;

    /** A strategy plugin compiled here, seen by the runtime given its loader and by no other runtime. */
    @Test
    void aRuntimeSeesThePluginsOfTheLoaderItIsGiven(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/demo/CountingStrategy.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package demo;
                import io.github.bilevel.api.*;
                public final class CountingStrategy implements HypergradientStrategy {
                    public String id() { return "embedding-demo"; }
                    public Hypergradient compute(HypergradientRequest r) {
                        return new Hypergradient(r.steps(), java.util.Map.of("lambda", new double[] {-r.steps()}));
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertEquals(0, rc, "the plugin compiles");
        Path services = classes.resolve("META-INF/services/io.github.bilevel.api.HypergradientStrategy");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "demo.CountingStrategy\n");

        try (URLClassLoader plugin = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                EmbeddingContractTest.class.getClassLoader());
             BilevelRuntime with = BilevelRuntime.builder().backend("reference").dtype(DType.FLOAT64)
                     .pluginLoader(plugin).build();
             BilevelRuntime without = runtime("reference")) {
            assertTrue(with.strategies().stream().anyMatch(s -> s.id().equals("embedding-demo")));
            assertTrue(with.strategies().stream().anyMatch(s -> s.id().equals("reverse")),
                    "the parent's plugins stay visible");
            assertFalse(without.strategies().stream().anyMatch(s -> s.id().equals("embedding-demo")));
            Hypergradient h = with.hypergradient(HypergradientSpec.of(RIDGE, new GradientDescent(0.1), 9)
                    .strategy("embedding-demo").at(RidgeRegressionProblem.LAMBDA, 1.0));
            assertEquals(-9.0, h.get(RidgeRegressionProblem.LAMBDA)[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> without.strategy("embedding-demo"));
            assertTrue(e.getMessage().contains("reverse"), e.getMessage());
        }
    }
}
