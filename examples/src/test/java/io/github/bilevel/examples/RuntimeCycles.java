package io.github.bilevel.examples;

import io.github.bilevel.api.HypergradientSpec;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.runtime.BilevelRuntime;
import io.github.bilevel.support.solver.GradientDescent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a runtime on a backend, computes one small hypergradient and closes it, over and over; prints the resident
 * memory of the process and JavaCPP's count of live native bytes after a warm-up and at the end. Run in a JVM of its
 * own by {@link EmbeddingContractTest}: {@code RuntimeCycles <backend> <warm-up cycles> <cycles>}.
 */
public final class RuntimeCycles {
    private RuntimeCycles() {
    }

    public static void main(String[] args) throws Exception {
        String backend = args[0];
        int warmUp = Integer.parseInt(args[1]);
        int cycles = Integer.parseInt(args[2]);
        RidgeRegressionProblem ridge = new RidgeRegressionProblem(20, 4, 1.0, 3);
        GradientDescent solver = new GradientDescent(1.0 / ridge.lipschitzConstant(1.0));
        long start = System.nanoTime();
        for (int c = 1; c <= warmUp + cycles; c++) {
            try (BilevelRuntime rt = BilevelRuntime.builder().backend(backend).dtype(DType.FLOAT64).threads(1).build()) {
                rt.hypergradient(HypergradientSpec.of(ridge, solver, 3).strategy("reverse")
                        .at(RidgeRegressionProblem.LAMBDA, 1.0));
            }
            if (c == warmUp || c == warmUp + cycles) {
                double seconds = (System.nanoTime() - start) / 1e9;
                // A full collection first: what the heap holds as garbage is the collector's to return, not a leak.
                System.gc();
                System.out.printf("cycle %d rss %d native %d seconds %.1f heap %d%n", c, residentBytes(), nativeBytes(),
                        seconds, Runtime.getRuntime().totalMemory());
            }
        }
    }

    /** JavaCPP's live native bytes (ND4J and TensorFlow allocate through it), or -1 without JavaCPP. */
    private static long nativeBytes() {
        try {
            return (long) Class.forName("org.bytedeco.javacpp.Pointer").getMethod("totalBytes").invoke(null);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
