package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees of a quick hyper-cleaning run through the {@code ./bilevel} launcher: on a terminal (a
 * pseudo-terminal made by {@code script(1)}) the results stay on screen and no progress line is left behind; with the
 * output in a file, one message per line and no control characters; on either backend, no line from the libraries
 * underneath (TensorFlow, ND4J, JavaCPP).
 */
class ConsoleIT {
    private static final Pattern RESULT = Pattern.compile("test accuracy \\((learned weights|baseline|oracle)\\): "
            + "\\d+\\.\\d\\d%");
    /** Lines the libraries print at start-up when left alone (absl, TensorFlow's MLIR pass, SLF4J, JavaCPP). */
    private static final Pattern LIBRARY_LINE = Pattern.compile(".*(absl|MLIR|mlir_|I0000|W0000|tensorflow/|"
            + "org\\.nd4j|org\\.bytedeco|Nd4j|OpenBLAS|OPENBLAS|javacpp|\\[main\\] INFO|GCC:|HAVE_).*");

    private static String launcher() {
        return Path.of(System.getProperty("bilevel.launcher")).toAbsolutePath().normalize().toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String run(List<String> cmd, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TERM", "xterm");
        pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static void assertNoLibraryLines(List<String> lines) {
        for (String l : lines) {
            assertFalse(LIBRARY_LINE.matcher(l).matches(), "a line from a library: " + l + "\n"
                    + String.join("\n", lines));
        }
    }

    @Test
    void onATerminalTheResultsStayOnScreenAndNothingFromTensorFlowShows(@TempDir Path tmp) throws Exception {
        String command = String.join(" ", quote(launcher()), "run", "hyper-cleaning", "--quick", "--backend",
                "tensorflow", "--out", quote(tmp.resolve("out").toString()));
        // script gives the command a pseudo-terminal for standard input, output and error, and copies what it wrote
        String bytes = run(List.of("script", "-qfec", command, "/dev/null"), tmp.resolve("tty.log"));
        assertTrue(bytes.contains("\r"), "the progress line is drawn in place on a terminal: " + bytes);
        List<String> screen = Screen.of(bytes.replace("\r\n", "\n"), 1000);
        String shown = String.join("\n", screen);
        assertEquals(3, screen.stream().filter(l -> RESULT.matcher(l).matches()).count(), shown);
        assertTrue(screen.get(screen.size() - 1).startsWith("done in "), shown);
        assertFalse(screen.stream().anyMatch(l -> l.contains("ETA")), "a stale progress line: " + shown);
        // what is left of each phase is its final line, nothing of the lines drawn on the way
        for (String l : screen) {
            if (l.startsWith("outer iterations") || l.startsWith("retraining")) {
                assertTrue(l.matches("[a-z0-9 ]+ (\\d+)/\\1 \\(100%\\), [0-9.]+ it/s, in \\d+:\\d\\d(, E=.*)?"),
                        "a progress line that is not a phase's end: " + l + "\n" + shown);
            }
        }
        assertTrue(screen.stream().anyMatch(l -> l.matches(
                "outer iterations 40/40 \\(100%\\), .* it/s, in \\d+:\\d\\d, E=\\d\\.\\d{4}")), shown);
        assertNoLibraryLines(screen);
    }

    @Test
    void redirectedOneMessagePerLineAndNothingFromNd4j(@TempDir Path tmp) throws Exception {
        // a whole run, shortened: the libraries' lines can come at any point of it (start-up, retraining, plots)
        List<String> cmd = new ArrayList<>(List.of(launcher(), "run", "hyper-cleaning", "--quick", "--backend", "nd4j",
                "--set", "iterations=10", "--set", "retrain_steps=100", "--out", tmp.resolve("out").toString()));
        String out = run(cmd, tmp.resolve("run.log"));
        assertFalse(out.contains("\r") || out.contains("\033"), "control characters in a file: " + out);
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.stream().filter(l -> RESULT.matcher(l).matches()).count(), out);
        assertTrue(lines.stream().anyMatch(l -> l.matches("outer iterations 10/10 \\(100%\\).*, in \\d+:\\d\\d, E=.*")),
                out);
        // every retraining step counted once, whether the backend replays compiled regions or not
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("retraining 3 models 300/300 (100%)")), out);
        assertTrue(lines.get(lines.size() - 1).startsWith("done in "), out);
        assertNoLibraryLines(lines);
    }
}
