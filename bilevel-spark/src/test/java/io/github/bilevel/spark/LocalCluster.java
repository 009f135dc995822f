package io.github.bilevel.spark;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on localhost, started from a Spark home whose {@code jars/} are the Maven-resolved Spark
 * jars (bilevel-spark/target/lib): one master and {@code workers} single-core workers, each in its own JVM, as
 * scripts/spark-local-cluster.sh starts them. {@link #close()} stops every JVM it started, executors included.
 */
final class LocalCluster implements AutoCloseable {
    /** Spark's launcher gives its JVMs these on Java 17 (JavaModuleOptions); the build passes the same to tests. */
    static final List<String> OPENS = List.of(System.getProperty("spark.opens", "").trim().split("\\s+"));

    private final Path home;
    private final int port;
    private final List<Process> processes = new ArrayList<>();

    private LocalCluster(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    /** The master URL. */
    String master() {
        return "spark://127.0.0.1:" + port;
    }

    Path home() {
        return home;
    }

    static LocalCluster start(Path dir, Path sparkJars, int workers, String workerMemory) throws IOException {
        Path home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        try (Stream<Path> s = Files.list(sparkJars)) {
            for (Path jar : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        // the daemons log through slf4j-simple (the Spark home has no binding), so that readiness can be read
        Files.createSymbolicLink(jars.resolve("slf4j-simple.jar"), jarOf(org.slf4j.simple.SimpleLogger.class));
        LocalCluster c = new LocalCluster(home, freePort());
        try {
            c.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    String.valueOf(c.port), "--webui-port", String.valueOf(freePort()));
            for (int i = 0; i < workers; i++) {
                Path work = Files.createDirectories(dir.resolve("worker-" + i));
                c.launch("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                        "--memory", workerMemory, "--work-dir", work.toString(), "--webui-port",
                        String.valueOf(freePort()), c.master());
            }
            for (int i = 0; i < workers; i++) {
                c.awaitLine("worker-" + i, "Successfully registered with master", 120);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            c.close();
            throw e instanceof IOException io ? io : new IOException("The local Spark cluster did not start: " + e, e);
        }
        return c;
    }

    private static Path jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until a daemon's log holds {@code text}; fails with the log's end if it dies or the time runs out. */
    private void awaitLine(String name, String text, int seconds) throws IOException, InterruptedException {
        Path log = home.resolve(name + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String content = Files.exists(log) ? Files.readString(log) : "";
            if (content.contains(text)) {
                return;
            }
            if (processes.stream().anyMatch(p -> !p.isAlive())) {
                break;
            }
            Thread.sleep(200);
        }
        String content = Files.exists(log) ? Files.readString(log) : "";
        throw new IOException("Spark " + name + " did not log '" + text + "' within " + seconds + " s; the end of "
                + log + ":\n" + content.substring(Math.max(0, content.length() - 3000)));
    }

    private void launch(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.addAll(OPENS);
        cmd.add("-cp");
        cmd.add(home.resolve("jars") + File.separator + "*");
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_SCALA_VERSION", "2.13"); // else executors look for a Spark build's folders
        processes.add(pb.start());
    }

    /** Every live process started from this cluster's Spark home (daemons and the executors they launched). */
    List<ProcessHandle> alive() {
        String marker = home.toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(l -> l.contains(marker))
                .orElse(false)).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            all.addAll(p.descendants().toList());
            all.add(p.toHandle());
        }
        all.addAll(alive());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
