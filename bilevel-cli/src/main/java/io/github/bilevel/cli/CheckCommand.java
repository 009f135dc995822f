package io.github.bilevel.cli;

import io.github.bilevel.cli.spi.VersionProvider;
import io.github.bilevel.core.check.SelfCheck;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the hypergradient self-check on a backend and reports each check. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Check every hypergradient strategy against closed forms, finite differences and each other "
                + "(float64) on a backend.")
final class CheckCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--backend", description = "Backend id (default: as selected by -Dbilevel.backend, "
            + "BILEVEL_BACKEND, or priority).")
    String backend;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (BilevelRuntime rt = BilevelRuntime.builder().backend(backend).build()) {
            out.println("Self-check on backend " + rt.backendId() + " (float64)");
            long start = System.nanoTime();
            List<SelfCheck.Result> results = SelfCheck.run(rt.backend(), rt.strategies());
            int failed = 0;
            for (SelfCheck.Result r : results) {
                out.printf("%-11s %s%n", r.status(), r.name());
                if (!r.detail().isEmpty()) {
                    out.println("            " + r.detail());
                }
                if (!r.passed()) {
                    failed++;
                }
            }
            out.printf("check: %d passed, %d failed (%.1f s)%n", results.size() - failed, failed,
                    (System.nanoTime() - start) / 1e9);
            out.flush();
            return failed == 0 ? 0 : 1;
        }
    }
}
