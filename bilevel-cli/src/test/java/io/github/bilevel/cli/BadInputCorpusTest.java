package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bad-input corpus under {@code src/test/resources/bad-input} (listed in {@code cases.tsv}): malformed
 * configurations, MNIST and digits data files, and damaged run folders. Each must end {@code bilevel run} with exit
 * code 2 and one line naming the problem: no stack trace, no hang, no out-of-memory error.
 */
class BadInputCorpusTest {
    private static final String SMALL_RUN = "--set=train=10 --set=validation=10 --set=corrupted=5 --set=T=1 "
            + "--set=iterations=1 --set=retrain_steps=1";

    @TempDir
    Path tmp;

    private static Path corpus() throws URISyntaxException {
        return Path.of(BadInputCorpusTest.class.getResource("/bad-input/cases.tsv").toURI()).getParent();
    }

    @TestFactory
    Stream<DynamicTest> everyCaseIsAOneLineInputError() throws Exception {
        List<String> lines = Files.readAllLines(corpus().resolve("cases.tsv"), StandardCharsets.UTF_8);
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            assertEquals(3, f.length, "cases.tsv line: " + line);
            tests.add(DynamicTest.dynamicTest(f[1], () -> check(f[0], f[1], f[2])));
        }
        assertTrue(tests.size() >= 25, "the corpus holds at least 25 cases, found " + tests.size());
        return tests.stream();
    }

    private void check(String kind, String name, String expected) throws Exception {
        Path work = Files.createDirectories(tmp.resolve(name));
        String[] args = switch (kind) {
            case "config" -> new String[] {"run", "hyper-cleaning", "--config", corpus().resolve(name).toString(),
                "--out", work.resolve("out").toString()};
            case "mnist" -> {
                Path data = mnistFolder(work.resolve("data"));
                for (Path file : caseFiles(name)) {
                    String target = file.getFileName().toString().substring(name.length() + 1);
                    String base = target.replace(".gz", "");
                    String idx = (base.startsWith("train") ? "train" : "t10k") + (base.endsWith("images")
                            ? "-images-idx3-ubyte" : "-labels-idx1-ubyte") + (target.endsWith(".gz") ? ".gz" : "");
                    Files.copy(file, data.resolve(idx), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                yield concat(new String[] {"run", "hyper-cleaning", "--data-dir", data.toString(), "--out",
                    work.resolve("out").toString()}, SMALL_RUN.split(" "));
            }
            case "digits" -> {
                Path data = Files.createDirectories(work.resolve("data"));
                Files.copy(corpus().resolve(name + ".csv"), data.resolve("digits.csv"));
                yield new String[] {"run", "digits-tuning", "--data-dir", data.toString(), "--set=iterations=1",
                    "--set=T=1", "--out", work.resolve("out").toString()};
            }
            case "resume" -> {
                Path run = work.resolve("run");
                if (!name.equals("resume-not-a-run-folder")) {
                    Files.createDirectories(run);
                    Files.writeString(run.resolve("run.json"), validRunSettings());
                    for (Path file : caseFiles(name)) {
                        String target = file.getFileName().toString().endsWith(".run.json") ? "run.json"
                                : "checkpoint-outer.json";
                        Files.copy(file, run.resolve(target), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                } else {
                    Files.createDirectories(run);
                }
                yield new String[] {"run", "--resume", run.toString()};
            }
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            CommandLine cli = BilevelCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            return cli.execute(args);
        }, name + " hung");
        String e = err.toString();
        assertEquals(2, code, name + ": " + e + out);
        List<String> lines = e.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), name + ": one line expected: " + e);
        assertTrue(lines.get(0).startsWith("bilevel: ") && lines.get(0).contains(expected),
                name + ": expected '" + expected + "' in: " + e);
        assertFalse(e.contains("\tat ") || e.contains("OutOfMemoryError"), name + ": " + e);
    }

    private static List<Path> caseFiles(String name) throws Exception {
        try (Stream<Path> files = Files.list(corpus())) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith(name + ".")).sorted().toList();
            assertFalse(found.isEmpty(), "no corpus file for " + name);
            return found;
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A valid MNIST folder of 30 training and 30 test examples, in which a case replaces one or two files. */
    private static Path mnistFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String prefix : new String[] {"train", "t10k"}) {
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), idx(2051, 30, new byte[30 * 784], 28, 28));
            byte[] labels = new byte[30];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (byte) (i % 10);
            }
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), idx(2049, 30, labels));
        }
        return dir;
    }

    private static byte[] idx(int magic, int count, byte[] body, int... sides) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        d.writeInt(count);
        for (int s : sides) {
            d.writeInt(s);
        }
        d.write(body);
        return b.toByteArray();
    }

    /** Settings of a small hyper-cleaning run, as {@code bilevel run} writes them. */
    private static String validRunSettings() throws IOException {
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("/bad-input/valid-run.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
