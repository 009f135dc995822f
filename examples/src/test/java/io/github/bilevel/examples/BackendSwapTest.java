package io.github.bilevel.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Deploy-time backend swap: the same program and jars, started once with {@code -Dbilevel.backend=nd4j} and once with
 * {@code BILEVEL_BACKEND=tensorflow} (and once with neither), prints the same ridge hypergradient.
 */
class BackendSwapTest {
    private static final Pattern LINE = Pattern.compile("backend (\\w+): dE/dlambda = (\\S+) ");

    private static String[] run(List<String> jvmOptions, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RidgeHypergradient.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("BILEVEL_BACKEND");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        Matcher m = LINE.matcher(out);
        assertTrue(m.find(), out);
        return new String[] {m.group(1), m.group(2)};
    }

    @Test
    void theSameProgramPrintsTheSameHypergradientOnEitherBackend() throws Exception {
        String[] nd4j = run(List.of("-Dbilevel.backend=nd4j"), Map.of());
        String[] tf = run(List.of(), Map.of("BILEVEL_BACKEND", "tensorflow"));
        String[] chosen = run(List.of(), Map.of());
        assertEquals("nd4j", nd4j[0], "chosen by the system property");
        assertEquals("tensorflow", tf[0], "chosen by the environment variable");
        assertEquals("tensorflow", chosen[0], "both jars present: the higher priority");
        double a = Double.parseDouble(nd4j[1]);
        double b = Double.parseDouble(tf[1]);
        assertEquals(a, b, 1e-10 * Math.abs(a), "float64 hypergradients of the two backends");
        assertEquals(b, Double.parseDouble(chosen[1]), 0.0);
    }
}
