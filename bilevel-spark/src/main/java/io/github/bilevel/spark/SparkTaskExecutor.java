package io.github.bilevel.spark;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.task.ExecutorSettings;
import io.github.bilevel.api.task.HypergradientBatch;
import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.task.TaskSums;
import io.github.bilevel.core.outer.LocalTaskExecutor;
import io.github.bilevel.core.task.TaskWorker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Runs the tasks of each outer iteration on Spark: the iteration's hyperparameter values are broadcast once, the
 * episodes are split into one range of tasks per executor core, each episode is rebuilt from the batch's recipe by
 * {@link TaskWorker} in the executor JVM that runs it — which creates the driver's backend, dtype and thread count once
 * and reuses them — and each range sends back only its partial sums, over the nodes of {@link TaskSums}' tree that
 * cover it, which the driver adds up to the same bits as a local sum ({@link #hypergradientSum}; {@link
 * #hypergradients} sends every episode's hypergradient back, in task order). Spark retries a
 * failed task ({@code spark.task.maxFailures}, 4 on a cluster; {@code local[N,F]} allows F attempts locally).
 *
 * <p>The Spark context starts on first use, with the master of the option {@value #MASTER}, else the system property
 * {@code spark.master}, else {@code local[N]} for the driver's N compute threads; any other Spark setting is read from
 * {@code spark.*} system properties. For a cluster master the driver ships its own jars ({@link ShippedJars}).
 * {@link #invokeAll} runs serializable tasks (the trials of {@code bilevel search}) as Spark tasks, and closures over
 * live objects, which cannot leave this JVM, on local threads.
 */
public final class SparkTaskExecutor implements TaskExecutor {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkTaskExecutor.class);

    /** JVM options of the executors, unless spark.executor.extraJavaOptions is set. */
    static final String EXECUTOR_JAVA_OPTIONS = "-XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxPhysicalBytes=0";

    /** Option naming the Spark master. */
    public static final String MASTER = "master";

    private final ExecutorSettings settings;
    private final String master;
    private final LocalTaskExecutor driverThreads;
    private JavaSparkContext context;
    private final SparkStats stats = new SparkStats();
    private ShippedJars jars;

    public SparkTaskExecutor(ExecutorSettings settings) {
        this.settings = settings;
        String m = settings.option(MASTER, System.getProperty("spark.master"));
        this.master = m == null || m.isBlank() ? "local[" + settings.threads() + "]" : m.trim();
        this.driverThreads = new LocalTaskExecutor(settings.threads());
    }

    @Override
    public String id() {
        return SparkExecutorProvider.ID;
    }

    @Override
    public String toString() {
        return "spark (" + master + ")";
    }

    /** The Spark context, started on first use. */
    synchronized JavaSparkContext context() {
        if (context == null) {
            SparkConf conf = new SparkConf(true).setMaster(master).setAppName("bilevel")
                    .setIfMissing("spark.ui.enabled", "false")
                    // what the bilevel launcher gives its own JVM (docs/BENCHMARKS.md, "Threads and memory"): the
                    // serial collector, no JavaCPP physical-memory checks, ND4J's OpenMP threads waiting passively
                    .setIfMissing("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS)
                    .setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE")
                    // a Spark home of plain jars (scripts/spark-local-cluster.sh) has no build folders to tell it
                    .setIfMissing("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                    .setIfMissing("spark.executorEnv.TF_CPP_MIN_LOG_LEVEL", "1");
            if (!master.startsWith("local")) {
                jars = ShippedJars.of(System.getProperty("java.class.path"), System.getProperty("jdk.module.path"));
                conf.setJars(jars.paths().toArray(String[]::new));
            }
            context = new JavaSparkContext(conf);
            context.sc().addSparkListener(stats);
        }
        return context;
    }

    @Override
    public List<Hypergradient> hypergradients(HypergradientBatch batch, Map<String, double[]> values,
                                              List<Callable<Hypergradient>> local) {
        return onSpark(batch, values, (sc, tasks) -> {
            List<Integer> indices = IntStream.range(0, batch.size()).boxed().toList();
            // One partition per executor core: a partition computes its tasks one after the other, in task order,
            // so Spark schedules, deserializes and reports a few tasks per iteration rather than one per episode.
            return sc.parallelize(indices, partitions(sc, batch)).map(tasks::one).collect().stream()
                    .map(CompactResult::hypergradient).toList();
        });
    }

    /**
     * The sum of the batch's hypergradients: one Spark task per executor core, each computing a contiguous range of
     * episodes and adding them within the nodes of {@link TaskSums}' tree that cover the range; the driver adds the
     * partial sums up to the root. The bits are those of the local executor's sum; the bytes sent back are one or a few
     * hypergradients per range instead of one per episode.
     */
    @Override
    public Hypergradient hypergradientSum(HypergradientBatch batch, Map<String, double[]> values,
                                          List<Callable<Hypergradient>> local) {
        return onSpark(batch, values, (sc, tasks) -> {
            int n = batch.size();
            int partitions = partitions(sc, batch);
            List<TaskSums.Node> ranges = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                ranges.add(new TaskSums.Node((int) ((long) p * n / partitions),
                        (int) ((long) (p + 1) * n / partitions)));
            }
            Map<TaskSums.Node, Hypergradient> partial = new HashMap<>();
            for (List<PartialSum> sums : sc.parallelize(ranges, partitions).map(tasks::range).collect()) {
                for (PartialSum ps : sums) {
                    partial.put(ps.node(), ps.sum().hypergradient());
                }
            }
            return TaskSums.combine(n, partial);
        });
    }

    /** One partition per executor core, at most one per task. */
    private static int partitions(JavaSparkContext sc, HypergradientBatch batch) {
        return Math.max(1, Math.min(batch.size(), sc.defaultParallelism()));
    }

    /** Runs {@code job} on the batch's tasks with the iteration's values broadcast, counting it in {@link #stats()}. */
    private <R> R onSpark(HypergradientBatch batch, Map<String, double[]> values,
                          BiFunction<JavaSparkContext, BatchTasks, R> job) {
        if (batch == null) {
            throw liveTasks();
        }
        JavaSparkContext sc = context();
        long start = System.nanoTime();
        Broadcast<Map<String, double[]>> shared = sc.broadcast(new LinkedHashMap<>(values));
        try {
            R out = job.apply(sc, new BatchTasks(settings, batch, shared));
            stats.iteration(System.nanoTime() - start, SparkStats.bytes(values));
            return out;
        } catch (RuntimeException e) {
            throw unwrap(e, "the tasks of outer iteration " + batch.iteration());
        } finally {
            shared.destroy();
        }
    }

    private static InvalidInputException liveTasks() {
        return new InvalidInputException("These tasks cannot run on Spark: the experiment gives its outer loop "
                + "problems built in this process, not a recipe that rebuilds them elsewhere (TravellingTasks); "
                + "run it with --executor local");
    }

    /** The task's own exception (a NaN found, a bad recipe) rather than Spark's wrapper, where Spark kept it. */
    private static RuntimeException unwrap(RuntimeException e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SparkException && t.getCause() instanceof RuntimeException cause) {
                cause.addSuppressed(e);
                return cause;
            }
        }
        return new IllegalStateException("Spark failed to run " + what + ": " + e.getMessage(), e);
    }

    /**
     * Tasks that are all {@link java.io.Serializable} (and whose classes the executors have: the driver's jars are
     * shipped) run as Spark tasks, one each, results in task order; any other closure runs on the driver's threads.
     */
    @Override
    public <T> List<T> invokeAll(List<Callable<T>> tasks) {
        if (tasks.isEmpty() || !tasks.stream().allMatch(t -> t instanceof java.io.Serializable)) {
            return driverThreads.invokeAll(tasks);
        }
        try {
            return context().parallelize(tasks, tasks.size()).map(Call::run).collect();
        } catch (RuntimeException e) {
            throw unwrap(e, "tasks");
        }
    }

    /** Runs a callable as a Spark task. */
    private interface Call {
        static <T> T run(Callable<T> task) throws Exception {
            return task.call();
        }
    }

    /** What Spark did so far: outer iterations, their wall time, the executors' time, bytes sent each way. */
    public SparkStats stats() {
        return stats;
    }

    @Override
    public synchronized void close() {
        if (stats.iterations() > 0) {
            LOG.info("spark ({}): {}", master, stats);
        }
        try {
            if (context != null) {
                context.stop();
                context = null;
            }
        } finally {
            driverThreads.close();
            TaskWorker.shutdown(); // the runtimes a local master created in this JVM
            if (jars != null) {
                jars.close();
                jars = null;
            }
        }
    }

    /**
     * A batch's tasks as Spark runs them, rebuilt and computed in the executor's JVM: one task ({@link #one}), or a
     * range computed in task order and added within its cover ({@link #range}).
     */
    record BatchTasks(ExecutorSettings settings, HypergradientBatch batch, Broadcast<Map<String, double[]>> values)
            implements java.io.Serializable {
        Hypergradient task(int index) {
            return TaskWorker.compute(settings, batch, values.value(), index);
        }

        CompactResult one(Integer index) {
            return CompactResult.of(task(index));
        }

        List<PartialSum> range(TaskSums.Node range) {
            List<Hypergradient> tasks = new ArrayList<>();
            for (int i = range.lo(); i < range.hi(); i++) {
                tasks.add(task(i));
            }
            List<PartialSum> out = new ArrayList<>();
            for (TaskSums.Node node : TaskSums.cover(range.lo(), range.hi(), batch.size())) {
                out.add(new PartialSum(node, CompactResult.of(TaskSums.sum(node, i -> tasks.get(i - range.lo())))));
            }
            return out;
        }
    }

    /** The sum over one node of the tree, on its way back. */
    record PartialSum(TaskSums.Node node, CompactResult sum) implements java.io.Serializable {
    }

    /**
     * A task's hypergradient on its way back: each array as floats when every value is a float exactly (a float32
     * run's), halving the bytes, otherwise as doubles. Either way the driver gets the same bits.
     */
    record CompactResult(double objective, LinkedHashMap<String, Object> arrays) implements java.io.Serializable {
        static CompactResult of(Hypergradient h) {
            LinkedHashMap<String, Object> arrays = new LinkedHashMap<>();
            h.gradients().forEach((name, g) -> arrays.put(name, floatsIfExact(g)));
            return new CompactResult(h.outerObjective(), arrays);
        }

        private static Object floatsIfExact(double[] g) {
            float[] f = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                f[i] = (float) g[i];
                if (Double.doubleToRawLongBits(f[i]) != Double.doubleToRawLongBits(g[i])) {
                    return g;
                }
            }
            return f;
        }

        /** The hypergradient, its arrays in the order they were computed. */
        Hypergradient hypergradient() {
            Map<String, double[]> out = new LinkedHashMap<>();
            arrays.forEach((name, a) -> {
                if (a instanceof float[] f) {
                    double[] g = new double[f.length];
                    for (int i = 0; i < f.length; i++) {
                        g[i] = f[i];
                    }
                    out.put(name, g);
                } else {
                    out.put(name, (double[]) a);
                }
            });
            return new Hypergradient(objective, out);
        }
    }
}
