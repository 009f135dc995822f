package io.github.bilevel.cli;

import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.task.TaskExecutorProvider;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.cli.spi.VersionProvider;
import io.github.bilevel.core.discovery.BackendSelector;
import io.github.bilevel.core.discovery.Discovered;
import io.github.bilevel.core.discovery.ServiceDiscovery;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Lists what was discovered, without loading any native library. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List discovered backends, strategies, solvers, problems, task executors and experiments.")
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
            out.printf("  %-12s priority %-3d %s%s%s%n", p.id(), p.priority(), p.description(),
                    p.isAvailable() ? "" : " (libraries missing)", version(p.getClass()));
        }
        if (backends.providers().stream().noneMatch(f -> f.provider().id().equals(BackendSelector.REFERENCE.id()))) {
            out.printf("  %-12s by name only %s%n", BackendSelector.REFERENCE.id(), BackendSelector.REFERENCE.description());
        }
        warnings.addAll(backends.failures());
        warnings.addAll(section(out, "Hypergradient strategies", ServiceDiscovery.discover(HypergradientStrategy.class),
                ListCommand::withOptions));
        warnings.addAll(section(out, "Inner solvers", ServiceDiscovery.discover(InnerSolver.class), InnerSolver::id));
        warnings.addAll(section(out, "Problems", ServiceDiscovery.discover(Problem.class), Problem::id));
        warnings.addAll(section(out, "Task executors", ServiceDiscovery.discover(TaskExecutorProvider.class),
                e -> String.format("%-12s priority %-3d %s", e.id(), e.priority(), e.description())));
        warnings.addAll(section(out, "Experiments", ServiceDiscovery.discover(Experiment.class),
                e -> String.format("%-16s %s", e.id(), e.description())));
        for (String w : warnings) {
            err.println("warning: " + w);
        }
        out.flush();
        return 0;
    }

    /** The id, and the options the strategy takes beside {@code compile}. */
    private static String withOptions(HypergradientStrategy s) {
        java.util.Set<String> options = new java.util.TreeSet<>(s.optionNames());
        return options.isEmpty() ? s.id() : String.format("%-20s options: %s", s.id(), String.join(", ", options));
    }

    /** " (version)" from the jar manifest, or empty when the class was not loaded from a built jar. */
    private static String version(Class<?> type) {
        String v = VersionProvider.of(type);
        return v == null ? "" : " (" + v + ")";
    }

    private static <T> List<String> section(PrintWriter out, String title, Discovered<T> d,
                                            java.util.function.Function<T, String> id) {
        out.println(title + ":");
        if (d.providers().isEmpty()) {
            out.println("  (none)");
        }
        for (Discovered.Found<T> f : d.providers()) {
            out.println("  " + id.apply(f.provider()) + version(f.provider().getClass()));
        }
        return d.failures();
    }
}
