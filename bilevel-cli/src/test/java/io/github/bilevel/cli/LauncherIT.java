package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@code ./bilevel} launcher as a user would: a plain JVM with the project and TensorFlow on the module path
 * and ND4J on the class path. Guards the JPMS wiring (Guice opens, services across module and class path, native
 * loading).
 */
class LauncherIT {

    private static String run(int expectedExit, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("bilevel.launcher")).toAbsolutePath().normalize().toString());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("bilevel", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "launcher did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(expectedExit, p.exitValue(), out);
        return out;
    }

    @Test
    void benchPrintsJsonLinesFromTheModulePath() throws Exception {
        String out = run(0, "bench", "overhead", "--repeats", "1", "--json");
        long lines = out.lines().filter(l -> l.startsWith("{\"workload\":\"W4 overhead\"")).count();
        assertTrue(lines >= 2, "eager and compiled figures for each size expected: " + out);
        assertTrue(out.contains("\"unit\":\"us\"") && out.contains("\"median\":"), out);
    }

    @Test
    void benchIsAProvidedSubcommandListedBetweenTheCommandsOwnAndHelp() throws Exception {
        List<String> commands = run(0, "--help").lines().dropWhile(l -> !l.equals("Commands:")).skip(1)
                .filter(l -> l.matches("  \\S.*")).map(l -> l.strip().split(" ")[0]).toList();
        assertEquals(List.of("run", "evaluate", "search", "list", "check", "bench", "help"), commands);
        assertTrue(run(0, "bench", "--version").startsWith("bilevel "));
    }

    @Test
    void benchHorizonTimesEachTAndFitsTheTimeAgainstT() throws Exception {
        String out = run(0, "bench", "horizon", "--horizons", "4,8,16", "--repeats", "1", "--json");
        long rows = out.lines().filter(l -> l.startsWith("{\"workload\":\"W5 horizon\",")
                && l.contains("\"variant\":\"T=") && l.contains("\"peak_rss_bytes\":")).count();
        assertEquals(3, rows, out);
        assertTrue(out.contains("linear in T with R2"), out);
        String bad = run(2, "bench", "horizon", "--horizon-compile", "maybe");
        assertTrue(bad.contains("--horizon-compile must be on or off, got 'maybe'"), bad);
    }

    @Test
    void listFindsBackendsAndPluginsFromBothPaths() throws Exception {
        String out = run(0, "list");
        assertTrue(out.contains("nd4j"), out);
        assertTrue(out.contains("tensorflow"), out);
        assertTrue(out.contains("implicit-cg"), out);
        assertTrue(out.contains("reverse"), out);
    }

    @Test
    void tensorFlowFromTheModulePathPassesTheSelfCheck() throws Exception {
        String out = run(0, "check", "--backend", "tensorflow");
        assertTrue(out.contains("Self-check on backend tensorflow"), out);
        assertTrue(out.contains(" 0 failed"), out);
    }

    @Test
    void unknownBackendIsAOneLineError() throws Exception {
        String out = run(2, "check", "--backend", "foo");
        assertTrue(out.contains("bilevel: Unknown backend 'foo'"), out);
        assertTrue(!out.contains("\tat "), "no stack trace: " + out);
    }
}
