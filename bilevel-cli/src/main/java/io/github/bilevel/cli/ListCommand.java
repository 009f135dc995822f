package io.github.bilevel.cli;

import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.core.discovery.Discovered;
import io.github.bilevel.core.discovery.ServiceDiscovery;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Lists what was discovered, without loading any native library. */
@Command(name = "list", description = "List discovered backends, strategies, solvers and problems.")
final class ListCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> warnings = new ArrayList<>();

        Discovered<BackendProvider> backends = ServiceDiscovery.discover(BackendProvider.class);
        out.println("Backends:");
        for (Discovered.Found<BackendProvider> f : backends.providers()) {
            BackendProvider p = f.provider();
            out.printf("  %-12s priority %-3d %s%s%n", p.id(), p.priority(), p.description(),
                    p.isAvailable() ? "" : " (libraries missing)");
        }
        warnings.addAll(backends.failures());
        warnings.addAll(section(out, "Hypergradient strategies", ServiceDiscovery.discover(HypergradientStrategy.class),
                HypergradientStrategy::id));
        warnings.addAll(section(out, "Inner solvers", ServiceDiscovery.discover(InnerSolver.class), InnerSolver::id));
        warnings.addAll(section(out, "Problems", ServiceDiscovery.discover(Problem.class), Problem::id));
        for (String w : warnings) {
            err.println("warning: " + w);
        }
        out.flush();
        return 0;
    }

    private static <T> List<String> section(PrintWriter out, String title, Discovered<T> d,
                                            java.util.function.Function<T, String> id) {
        out.println(title + ":");
        if (d.providers().isEmpty()) {
            out.println("  (none)");
        }
        for (Discovered.Found<T> f : d.providers()) {
            out.println("  " + id.apply(f.provider()));
        }
        return d.failures();
    }
}
