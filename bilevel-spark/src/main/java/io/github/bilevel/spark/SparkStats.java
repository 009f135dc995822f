package io.github.bilevel.spark;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts what the spark executor's outer iterations cost: wall time per iteration on the driver (broadcast,
 * scheduling, the tasks, collection), the executors' run time, CPU time, garbage-collection time and deserialization
 * time summed over tasks, the bytes of hyperparameter values broadcast and of results sent back. Thread-safe.
 */
public final class SparkStats extends SparkListener {
    private final AtomicLong iterations = new AtomicLong();
    private final AtomicLong wallNanos = new AtomicLong();
    private final AtomicLong broadcastBytes = new AtomicLong();
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong runMillis = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private final AtomicLong gcMillis = new AtomicLong();
    private final AtomicLong deserializeMillis = new AtomicLong();
    private final AtomicLong resultBytes = new AtomicLong();

    void iteration(long nanos, long broadcast) {
        iterations.incrementAndGet();
        wallNanos.addAndGet(nanos);
        broadcastBytes.addAndGet(broadcast);
    }

    /** The payload of a map of values: 8 bytes a double (what a serialized double[] carries). */
    static long bytes(Map<String, double[]> values) {
        return values.values().stream().mapToLong(v -> 8L * v.length).sum();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
            tasks.incrementAndGet();
            runMillis.addAndGet(end.taskMetrics().executorRunTime());
            cpuNanos.addAndGet(end.taskMetrics().executorCpuTime());
            gcMillis.addAndGet(end.taskMetrics().jvmGCTime());
            deserializeMillis.addAndGet(end.taskMetrics().executorDeserializeTime());
            resultBytes.addAndGet(end.taskMetrics().resultSize());
        }
    }

    public long iterations() {
        return iterations.get();
    }

    /** Mean wall time of an outer iteration's tasks on the driver, in milliseconds. */
    public double millisPerIteration() {
        return iterations.get() == 0 ? Double.NaN : wallNanos.get() / 1e6 / iterations.get();
    }

    /** Mean executor run time summed over an iteration's tasks, in milliseconds. */
    public double taskMillisPerIteration() {
        return iterations.get() == 0 ? Double.NaN : (double) runMillis.get() / iterations.get();
    }

    /** Mean executor CPU time summed over an iteration's tasks (the task threads' own), in milliseconds. */
    public double taskCpuMillisPerIteration() {
        return iterations.get() == 0 ? Double.NaN : cpuNanos.get() / 1e6 / iterations.get();
    }

    /** Mean time the executors' JVMs spent collecting garbage during an iteration's tasks, in milliseconds. */
    public double gcMillisPerIteration() {
        return iterations.get() == 0 ? Double.NaN : (double) gcMillis.get() / iterations.get();
    }

    /** Mean bytes broadcast per iteration (the values' payload). */
    public double broadcastBytesPerIteration() {
        return iterations.get() == 0 ? Double.NaN : (double) broadcastBytes.get() / iterations.get();
    }

    /** Mean bytes of serialized results per iteration, as Spark measured them. */
    public double resultBytesPerIteration() {
        return iterations.get() == 0 ? Double.NaN : (double) resultBytes.get() / iterations.get();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d outer iterations, %d tasks; per iteration %.1f ms on the "
                        + "driver, %.1f ms of executor time (%.1f ms of CPU, %.1f ms collecting garbage, %.1f ms "
                        + "deserializing), %.0f bytes broadcast, %.0f bytes of results", iterations(), tasks.get(),
                millisPerIteration(), taskMillisPerIteration(), taskCpuMillisPerIteration(), gcMillisPerIteration(),
                iterations.get() == 0 ? Double.NaN : (double) deserializeMillis.get() / iterations.get(),
                broadcastBytesPerIteration(), resultBytesPerIteration());
    }
}
