package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.cli.fixtures.BrokenExperiment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliberately broken plugins on the launcher's class path ({@code BILEVEL_PLUGIN_PATH}): one whose experiment throws
 * while loading, one whose service file names a class that is not there. {@code list} and {@code run} keep working
 * and name each broken plugin, with its jar, in exactly one warning.
 */
class BrokenPluginIT {

    private static Path jar(Path file, String serviceFile, String providers, boolean withClass) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/services/" + serviceFile));
            jar.write((providers + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            if (withClass) {
                String path = BrokenExperiment.class.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new JarEntry(path));
                try (var in = BrokenExperiment.class.getClassLoader().getResourceAsStream(path)) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
        }
        return file;
    }

    private static String run(String pluginPath, Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("bilevel.launcher")).toAbsolutePath().normalize().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("BILEVEL_PLUGIN_PATH", pluginPath);
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static long warningsNaming(String out, String name) {
        return out.lines().filter(l -> l.toLowerCase().contains("warn") && l.contains(name)).count();
    }

    @Test
    void brokenPluginsAreNamedOnceAndEverythingElseWorks(@TempDir Path tmp) throws Exception {
        Path throwing = jar(tmp.resolve("throwing-plugin.jar"), "io.github.bilevel.api.experiment.Experiment",
                BrokenExperiment.class.getName(), true);
        Path missing = jar(tmp.resolve("missing-class-plugin.jar"), "io.github.bilevel.api.HypergradientStrategy",
                "com.example.NoSuchStrategy", false);
        String path = throwing + ":" + missing;

        String list = run(path, tmp.resolve("list.log"), "list");
        assertEquals(1, warningsNaming(list, BrokenExperiment.class.getName()), list);
        assertTrue(list.contains("deliberately broken"), list);
        assertEquals(1, warningsNaming(list, "com.example.NoSuchStrategy"), list);
        // each warning names the jar the broken provider came from
        assertTrue(list.lines().anyMatch(l -> l.contains(BrokenExperiment.class.getName())
                && l.contains(throwing.toString())), list);
        assertTrue(list.lines().anyMatch(l -> l.contains("com.example.NoSuchStrategy")
                && l.contains(missing.toString())), list);
        assertTrue(list.contains("hyper-cleaning") && list.contains("reverse") && list.contains("nd4j"), list);

        String run = run(path, tmp.resolve("run.log"), "run", "hyper-cleaning", "--set", "train=50", "--set",
                "validation=50", "--set", "corrupted=10", "--set", "T=2", "--set", "iterations=2", "--set",
                "retrain_steps=2", "--out", tmp.resolve("out").toString());
        assertEquals(1, warningsNaming(run, BrokenExperiment.class.getName()), run);
        assertEquals(1, warningsNaming(run, "com.example.NoSuchStrategy"), run);
        assertTrue(Files.exists(tmp.resolve("out").resolve("results.json")), run);
        assertFalse(run.contains("\tat "), run);
    }
}
