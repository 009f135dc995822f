package io.github.bilevel.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user does with a build: unpack the archive elsewhere and run the command; build a project of their own from
 * the README's dependency block and Main against the published modules (installed by this module's pom into
 * target/it-repo, never the user's repository); build the plugin template and find it with {@code bilevel list}.
 * Maven runs offline through the project's wrapper; third-party artifacts come read-only from the user's repository
 * ({@code maven.repo.local.tail}).
 */
class DistributionIT {
    private static final Path ROOT = Path.of(System.getProperty("bilevel.root")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("bilevel.version");
    private static final Path ARCHIVE = Path.of(System.getProperty("bilevel.archive"));
    private static final Path REPO = Path.of(System.getProperty("it.repo")).toAbsolutePath().normalize();
    private static final Path WORK = Path.of(System.getProperty("it.work")).toAbsolutePath().normalize();

    @TempDir
    static Path unpacked;
    private static Path launcher;

    @BeforeAll
    static void unpackTheTarball() throws Exception {
        run(unpacked, Map.of(), 0, "tar", "xzf", ARCHIVE + ".tar.gz", "-C", unpacked.toString());
        launcher = unpacked.resolve("bilevel-" + VERSION).resolve("bin").resolve("bilevel");
    }

    @Test
    void zipAndTarballHoldTheLauncherEveryRuntimeJarAndTheNotices() throws Exception {
        Set<String> zip;
        try (ZipFile z = new ZipFile(ARCHIVE + ".zip")) {
            zip = z.stream().filter(e -> !e.isDirectory()).map(e -> e.getName()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> tar = new TreeSet<>(run(unpacked, Map.of(), 0, "tar", "tzf", ARCHIVE + ".tar.gz").lines()
                .filter(l -> !l.endsWith("/")).toList());
        assertEquals(tar, zip, "the zip and the tarball list the same files");
        String base = "bilevel-" + VERSION + "/";
        for (String f : List.of("bin/bilevel", "bin/spark-local-cluster.sh", "README.md", "LICENSE", "NOTICE", "CHANGELOG.md",
                "lib/bilevel-cli-" + VERSION + ".jar", "lib/bilevel-core-" + VERSION + ".jar",
                "lib/bilevel-support-" + VERSION + ".jar",
                "lib/bilevel-cli-spi-" + VERSION + ".jar", "lib/bilevel-bench-" + VERSION + ".jar",
                "lib/backend-tensorflow-" + VERSION + ".jar", "lib/backend-nd4j-" + VERSION + ".jar",
                "lib/hyperparameter-optimization-" + VERSION + ".jar",
                // the natives this build chose (linux-x86_64 unless -Dnative.platform or -Pgpu said otherwise)
                "lib/tensorflow-core-native-" + System.getProperty("it.tensorflow.version") + "-"
                        + System.getProperty("it.tensorflow.native.classifier") + ".jar",
                "lib/" + System.getProperty("it.nd4j.backend.artifact") + "-" + System.getProperty("it.nd4j.version")
                        + "-" + System.getProperty("it.native.platform") + ".jar")) {
            assertTrue(zip.contains(base + f), base + f + " missing from the archive: " + zip);
        }
        assertTrue(zip.stream().noneMatch(f -> f.endsWith("-sources.jar") || f.endsWith("-tests.jar")), zip.toString());
        // the same runtime jars as the checkout's launcher uses
        try (Stream<Path> lib = Files.list(ROOT.resolve("bilevel-cli/target/lib"))) {
            Set<String> expected = lib.map(p -> base + "lib/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new));
            expected.add(base + "lib/bilevel-cli-" + VERSION + ".jar");
            expected.add(base + "lib/bilevel-spark-" + VERSION + ".jar");
            assertEquals(expected, zip.stream().filter(f -> f.startsWith(base + "lib/")
                    && !f.startsWith(base + "lib/spark/")).collect(Collectors.toSet()));
        }
        // lib/spark: the jars the checkout's launcher takes from bilevel-spark/target/lib, and nothing of the project's.
        // It is also a Spark home's jars/ (bin/spark-local-cluster.sh, docs/DISTRIBUTED.md): a bilevel jar there would
        // be loaded by the executors' own class loader, which cannot see the project's jars the driver ships, and every
        // task would fail with NoClassDefFoundError.
        try (Stream<Path> lib = Files.list(ROOT.resolve("bilevel-spark/target/lib"))) {
            Set<String> expected = lib.map(p -> base + "lib/spark/" + p.getFileName())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertTrue(expected.stream().noneMatch(f -> f.contains("/bilevel-")), expected.toString());
            assertEquals(expected, zip.stream().filter(f -> f.startsWith(base + "lib/spark/"))
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        assertTrue(Files.isExecutable(launcher), "bin/bilevel is executable after tar x");
        assertTrue(Files.isExecutable(launcher.resolveSibling("spark-local-cluster.sh")),
                "bin/spark-local-cluster.sh is executable after tar x");
    }

    @Test
    void bomPinsEveryPublishedModuleAtTheBuildsVersion() throws Exception {
        String bom = Files.readString(ROOT.resolve("bilevel-bom/pom.xml"));
        assertTrue(bom.contains("<artifactId>bilevel-bom</artifactId>\n  <version>" + VERSION + "</version>"),
                "bilevel-bom has the build's version, " + VERSION);
        Set<String> pinned = new TreeSet<>();
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId><version>\\$\\{project.version}</version>")
                .matcher(bom);
        while (m.find()) {
            pinned.add(m.group(1));
        }
        // every module this build installs for users, less the POMs that only parent or import
        Set<String> published;
        try (Stream<Path> dirs = Files.list(REPO.resolve("io/github/bilevel"))) {
            published = dirs.map(p -> p.getFileName().toString())
                    .filter(a -> !Set.of("bilevel-parent", "bilevel-plugins", "bilevel-bom").contains(a))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        published.add("bilevel-distribution");
        assertEquals(published, pinned);
    }

    @Test
    void unpackedArchiveRunsHyperCleaningQuick() throws Exception {
        Path out = unpacked.resolve("run");
        String log = run(unpacked, Map.of(), 0, launcher.toString(), "run", "hyper-cleaning", "--quick", "--out",
                out.toString());
        String results = Files.readString(out.resolve("results.json"));
        assertTrue(results.contains("\"experiment\" : \"hyper-cleaning\"") && results.contains("\"test_accuracy\""),
                results + "\n" + log);
        Matcher accuracy = Pattern.compile("\"test_accuracy\" : ([0-9.]+)").matcher(results);
        assertTrue(accuracy.find(), results);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 0.5, "a quick run still learns: " + results);
    }

    @Test
    void unpackedArchiveRunsTheBenchFromItsOwnModule() throws Exception {
        String out = run(unpacked, Map.of(), 0, launcher.toString(), "bench", "horizon", "--horizons", "4,8",
                "--repeats", "1", "--json");
        long rows = out.lines().filter(l -> l.startsWith("{\"workload\":\"W5 horizon\",")
                && l.contains("\"variant\":\"T=")).count();
        assertEquals(2, rows, out);
        String help = run(unpacked, Map.of(), 0, launcher.toString(), "--help");
        assertTrue(java.util.regex.Pattern.compile("(?m)^  bench +Time named workloads").matcher(help).find(), help);
    }

    @Test
    void readmeProjectComputesTheRidgeHypergradientAndThePluginTemplateShowsUpInList() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String block = between(readme, "<!-- dependency-block:start -->", "<!-- dependency-block:end -->", "xml");
        String main = between(readme, "<!-- main-example:start -->", "<!-- main-example:end -->", "java");
        assertTrue(block.contains("<version>" + VERSION + "</version>"),
                "the README's dependency block names the version being built, " + VERSION);
        String template = Files.readString(ROOT.resolve("examples/plugin-template/pom.xml"));
        assertTrue(template.contains("<bilevel.version>" + VERSION + "</bilevel.version>"),
                "the plugin template builds against the version being built, " + VERSION);

        deleteRecursively(WORK);
        Path app = WORK.resolve("app");
        Files.createDirectories(app.resolve("src/main/java"));
        Files.writeString(app.resolve("src/main/java/Main.java"), main);
        Files.writeString(app.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>readme-app</artifactId>
                  <version>1.0</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                """ + block + pinnedPlugins() + "</project>\n");
        copyTree(ROOT.resolve("examples/plugin-template"), WORK.resolve("plugin-template"));
        Files.writeString(WORK.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>outside-builds</artifactId>
                  <version>1.0</version>
                  <packaging>pom</packaging>
                  <modules><module>app</module><module>plugin-template</module></modules>
                """ + pinnedPlugins() + "</project>\n");

        // one Maven run builds both and runs the template's tests, the strategy conformance suite among them
        // (-Dit.templateTests=false leaves them out)
        List<String> mvn = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-o", "-q", "-B",
                "-f", WORK.resolve("pom.xml").toString(), "-Dmaven.repo.local=" + REPO,
                "-Dmaven.repo.local.tail=" + System.getProperty("it.repo.tail"),
                "-Dmaven.repo.local.tail.ignoreAvailability=true", "package",
                "org.apache.maven.plugins:maven-dependency-plugin:" + System.getProperty("it.dependency.plugin.version")
                        + ":build-classpath", "-Dmdep.outputFile=runtime-classpath.txt", "-Dmdep.includeScope=runtime"));
        if ("false".equals(System.getProperty("it.templateTests"))) {
            mvn.add("-DskipTests");
        }
        run(WORK, Map.of(), 0, mvn.toArray(String[]::new));
        if (!"false".equals(System.getProperty("it.templateTests"))) {
            Path reports = WORK.resolve("plugin-template/target/surefire-reports");
            String suite = Files.readString(reports.resolve(
                    "com.example.bilevel.plugin.UnrolledStrategyConformanceTest.txt"));
            assertTrue(suite.contains("Failures: 0, Errors: 0, Skipped: 0") && !suite.contains("Tests run: 0,"),
                    "the template ran the strategy conformance suite: " + suite);
        }

        String classPath = Files.readString(app.resolve("runtime-classpath.txt")).trim();
        for (String jar : classPath.split(java.io.File.pathSeparator)) {
            if (jar.contains("io" + java.io.File.separator + "github" + java.io.File.separator + "bilevel")) {
                assertTrue(Path.of(jar).toAbsolutePath().normalize().startsWith(REPO),
                        "bilevel artifacts come from the test-local repository, not " + jar);
            }
        }
        String out = run(app, Map.of("TF_CPP_MIN_LOG_LEVEL", "1"), 0, javaCommand(), "-cp",
                app.resolve("target/classes") + java.io.File.pathSeparator + classPath, "Main");
        Matcher printed = Pattern.compile("validation loss (\\S+), dE/dlambda = (\\S+)").matcher(out);
        assertTrue(printed.find(), out);
        double[] expected = closedForm(main);
        assertEquals(expected[0], Double.parseDouble(printed.group(1)), 1e-9 * Math.abs(expected[0]),
                "validation loss at the inner optimum; " + out);
        assertEquals(expected[1], Double.parseDouble(printed.group(2)), 1e-8 * Math.abs(expected[1]),
                "closed-form ridge hypergradient; " + out);

        Path plugin = WORK.resolve("plugin-template/target/bilevel-plugin-template-1.0.0-SNAPSHOT.jar");
        assertTrue(Files.isRegularFile(plugin), plugin + " built");
        String list = run(unpacked, Map.of("BILEVEL_PLUGIN_PATH", plugin.toString()), 0, launcher.toString(), "list");
        assertTrue(Pattern.compile("(?m)^\\s+unrolled \\(1\\.0\\.0-SNAPSHOT\\)$").matcher(list).find(),
                "the template's strategy, with its version: " + list);
        assertTrue(Pattern.compile("(?m)^\\s+ridge-tuning\\s+Generated linear regression").matcher(list).find(),
                "the template's experiment: " + list);
        String without = run(unpacked, Map.of(), 0, launcher.toString(), "list");
        assertTrue(!without.contains("ridge-tuning") && !without.contains("unrolled"), without);
        // lib/spark reaches the class path: the spark executor is there
        assertTrue(Pattern.compile("(?m)^\\s+spark\\s+priority -100\\s+Apache Spark 4").matcher(without).find(),
                without);
    }

    /**
     * The validation loss at the inner optimum and {@code dE/dλ = −(X_vᵀ r)ᵀ (XᵀX + λI)⁻¹ w*}, {@code r = X_v w* − y_v},
     * from the data and λ written in the README's Main.
     */
    static double[] closedForm(String main) {
        double[] x = array(main, "X");
        double[] y = array(main, "Y");
        double[] xv = array(main, "XV");
        double[] yv = array(main, "YV");
        Matcher l = Pattern.compile("scalar\\(\"lambda\",\\s*([-0-9.eE]+)").matcher(main);
        assertTrue(l.find(), "the Main declares lambda's initial value");
        double lambda = Double.parseDouble(l.group(1));
        int n = y.length;
        int d = x.length / n;
        double[][] a = new double[d][d];
        double[] xty = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                xty[j] += x[i * d + j] * y[i];
                for (int k = 0; k < d; k++) {
                    a[j][k] += x[i * d + j] * x[i * d + k];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            a[j][j] += lambda;
        }
        double[] w = solve(a, xty);
        double[] r = new double[yv.length];
        double loss = 0;
        for (int i = 0; i < yv.length; i++) {
            for (int j = 0; j < d; j++) {
                r[i] += xv[i * d + j] * w[j];
            }
            r[i] -= yv[i];
            loss += 0.5 * r[i] * r[i];
        }
        double[] xvr = new double[d];
        for (int i = 0; i < yv.length; i++) {
            for (int j = 0; j < d; j++) {
                xvr[j] += xv[i * d + j] * r[i];
            }
        }
        double[] aw = solve(a, w);
        double g = 0;
        for (int j = 0; j < d; j++) {
            g -= xvr[j] * aw[j];
        }
        return new double[] {loss, g};
    }

    private static double[] array(String source, String name) {
        Matcher m = Pattern.compile("\\b" + name + " = \\{([^}]*)}").matcher(source);
        assertTrue(m.find(), "the Main defines the array " + name);
        return Arrays.stream(m.group(1).split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
    }

    /** Gaussian elimination with partial pivoting. */
    private static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = Arrays.copyOf(a0[i], n + 1);
            a[i][n] = b0[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(a[i][c]) > Math.abs(a[p][c])) {
                    p = i;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            for (int i = c + 1; i < n; i++) {
                double f = a[i][c] / a[c][c];
                for (int k = c; k <= n; k++) {
                    a[i][k] -= f * a[c][k];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = a[i][n];
            for (int k = i + 1; k < n; k++) {
                s -= a[i][k] * x[k];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }

    /** The build's own plugin versions, so that the offline build finds them in the user's repository. */
    private static String pinnedPlugins() {
        StringBuilder b = new StringBuilder("  <build><pluginManagement><plugins>\n");
        for (String p : List.of("compiler", "resources", "jar", "surefire", "install", "clean")) {
            b.append("    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-").append(p)
                    .append("-plugin</artifactId><version>").append(System.getProperty("it." + p + ".plugin.version"))
                    .append("</version></plugin>\n");
        }
        return b.append("  </plugins></pluginManagement></build>\n").toString();
    }

    /** The fenced block of {@code language} between two markers of the README. */
    private static String between(String text, String start, String end, String language) {
        int s = text.indexOf(start);
        int e = text.indexOf(end);
        assertTrue(s >= 0 && e > s, "README has " + start + " ... " + end);
        String part = text.substring(s + start.length(), e).trim();
        String fence = "```" + language + "\n";
        assertTrue(part.startsWith(fence) && part.endsWith("```"), "a ```" + language + " block between the markers");
        return part.substring(fence.length(), part.length() - 3);
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String run(Path dir, Map<String, String> env, int expectedExit, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> environment = pb.environment();
        environment.remove("BILEVEL_PLUGIN_PATH");
        environment.remove("MAVEN_ARGS");
        environment.putAll(new HashMap<>(env));
        Path log = Files.createTempFile("distribution-it", ".log");
        try {
            Process p = pb.redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(5, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(done, String.join(" ", command) + " did not finish in 5 minutes:\n" + out);
            assertEquals(expectedExit, p.exitValue(), String.join(" ", command) + "\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = from.relativize(f);
                if (rel.startsWith("target")) {
                    continue;
                }
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(f);
            }
        }
    }
}
