package io.github.bilevel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.task.ExecutorSettings;
import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.task.TaskExecutorProvider;
import io.github.bilevel.cli.spi.VersionProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code bilevel search <experiment>}: the search around the gradient-based search. Runs N whole runs of an
 * experiment (trials) over a grid of settings, each a normal run folder (resumable with {@code bilevel run --resume}),
 * one after the other here or as Spark tasks on a cluster, and reports each trial's validation objective and the best.
 */
@Command(name = "search", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run an experiment several times over a grid of settings (trials) and pick the one with the "
                + "best validation objective; one run folder per trial and search.json.")
final class SearchCommand implements Callable<Integer> {
    static final String SUMMARY = "search.json";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "Experiment id (see 'list').")
    String experimentId;

    @Option(names = "--vary", paramLabel = "KEY=V1,V2,...", description = "Values of one setting to try (repeatable; "
            + "the grid is every combination). KEY is a setting of the experiment or seed.")
    List<String> vary = new ArrayList<>();

    @Option(names = "--trials", paramLabel = "N", defaultValue = "0", description = "How many runs (default 0: one "
            + "per point of the grid). Beyond the grid's size, trial i runs point i mod size with seed + i / size.")
    int trials;

    @Option(names = "--objective", paramLabel = "KEY", defaultValue = "validation_objective", description = "The "
            + "results.json value to compare (default validation_objective; lower is better).")
    String objective;

    @Option(names = "--maximize", description = "Higher values of --objective are better.")
    boolean maximize;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting of every trial (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON settings of every trial.")
    Path configFile;

    @Option(names = "--backend", description = "Backend id of every trial.")
    String backend;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 (default) or float64.")
    String dtype;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the first trial (default 0).")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "Compute threads of each trial (default 0: the "
            + "backend's default).")
    int threads;

    @Option(names = "--quick", description = "Reduced smoke runs.")
    boolean quick;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data in its original layout for every trial.")
    Path dataDir;

    @Option(names = "--executor", paramLabel = "ID", description = "Where trials run: local (default: one after the "
            + "other in this process) or spark (as Spark tasks; see --master). Each trial's own tasks run locally.")
    String executorId;

    @Option(names = "--master", paramLabel = "URL", description = "With --executor spark: the Spark master. On a "
            + "cluster, --out must be a folder every node sees at the same path.")
    String master;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder of the trials' run folders and search.json "
            + "(default runs/search-<experiment>-<timestamp>).")
    Path out;

    /** One trial: its settings, and the {@code bilevel run} arguments that make it. */
    record Plan(int index, long seed, Map<String, String> varied, List<String> args) {
    }

    /** A trial as a task that can travel: runs {@code bilevel run} wherever it lands. */
    record Trial(int index, List<String> args, String folder) implements Callable<Outcome>, Serializable {
        @Override
        public Outcome call() throws IOException {
            Path dir = Path.of(folder);
            Files.createDirectories(dir.getParent());
            StringWriter text = new StringWriter();
            PrintWriter w = new PrintWriter(text, true);
            CommandLine cli = BilevelCommand.commandLine();
            cli.setOut(w);
            cli.setErr(w);
            int code = cli.execute(args.toArray(String[]::new));
            w.flush();
            Path results = dir.resolve("results.json");
            String json = code == 0 && Files.isRegularFile(results) ? Files.readString(results) : null;
            return new Outcome(index, code, json, text.toString());
        }
    }

    /** What a trial gave: the exit code, results.json's text (null on failure) and what the command printed. */
    record Outcome(int index, int exitCode, String results, String output) implements Serializable {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        Experiment experiment = RunCommand.experiments().get(experimentId);
        if (experiment == null) {
            throw new InvalidInputException("Unknown experiment '" + experimentId + "'; see bilevel list");
        }
        if (trials < 0) {
            throw new InvalidInputException("--trials must be >= 0, got " + trials);
        }
        Map<String, List<String>> grid = grid(vary);
        // Every point's settings must be valid for the experiment: one line now, not N failed trials later.
        List<Map<String, String>> points = points(grid);
        for (Map<String, String> p : points) {
            Map<String, String> s = new LinkedHashMap<>(ConfigLoader.parseSets(sets));
            p.forEach((k, v) -> {
                if (!k.equals("seed")) {
                    s.put(k, v);
                }
            });
            ConfigLoader.load(experiment, quick, configFile, s);
        }
        ExecutorChoice choice = ExecutorChoice.of(executorId, master);
        TaskExecutorProvider provider = choice.provider();
        int n = trials == 0 ? points.size() : trials;
        Path folder = out != null ? out : Path.of("runs", "search-" + experimentId + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (Files.exists(folder.resolve(SUMMARY))) {
            throw new InvalidInputException("Output folder " + folder + " already holds a search; choose another "
                    + "--out (a trial continues with bilevel run --resume " + folder.resolve("trial-0") + ")");
        }
        Files.createDirectories(folder);
        List<Plan> plans = new ArrayList<>();
        List<Callable<Outcome>> work = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Plan plan = plan(i, points, folder);
            plans.add(plan);
            work.add(new Trial(i, plan.args(), folder.resolve("trial-" + i).toAbsolutePath().toString()));
        }
        console.printf("search: %d trial%s of %s%s -> %s%n", n, n == 1 ? "" : "s", experimentId,
                choice.local() ? ", one after the other" : " on " + provider.id()
                        + (master == null ? "" : " (" + master + ")"), folder);
        console.flush();
        List<Outcome> outcomes;
        if (choice.local()) {
            // One trial at a time: each uses every compute thread itself.
            outcomes = new ArrayList<>();
            for (Callable<Outcome> t : work) {
                Outcome o = t.call();
                outcomes.add(o);
                report(console, plans.get(o.index()), o);
            }
        } else {
            try (TaskExecutor executor = provider.create(new ExecutorSettings(backend == null ? "" : backend, dtype,
                    Runtime.getRuntime().availableProcessors(), choice.options()))) {
                outcomes = executor.invokeAll(work);
            }
            outcomes.forEach(o -> report(console, plans.get(o.index()), o));
        }
        return summarize(console, folder, plans, outcomes);
    }

    private void report(PrintWriter console, Plan plan, Outcome o) {
        Double value = value(o);
        console.printf("  trial %d %s: %s%n", o.index(), describe(plan), o.exitCode() != 0
                ? "failed (exit " + o.exitCode() + "): " + lastLine(o.output())
                : value == null ? "no '" + objective + "' in results.json" : objective + " " + format(value));
        console.flush();
    }

    private int summarize(PrintWriter console, Path folder, List<Plan> plans, List<Outcome> outcomes)
            throws IOException {
        int best = -1;
        Double bestValue = null;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            Double v = value(o);
            Plan p = plans.get(o.index());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("trial", o.index());
            row.put("folder", "trial-" + o.index());
            row.put("seed", p.seed());
            row.put("settings", p.varied());
            row.put("exit_code", o.exitCode());
            row.put(objective, v);
            rows.add(row);
            if (v != null && !v.isNaN() && (bestValue == null || (maximize ? v > bestValue : v < bestValue))) {
                best = i;
                bestValue = v;
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("experiment", experimentId);
        summary.put("objective", objective);
        summary.put("maximize", maximize);
        summary.put("trials", rows);
        summary.put("best", best < 0 ? null : outcomes.get(best).index());
        RunOutputs.writeJson(folder.resolve(SUMMARY), summary);
        if (best < 0) {
            console.printf("no trial gave a value of %s; see the trials' run.log%n", objective);
            console.flush();
            return 1;
        }
        Outcome b = outcomes.get(best);
        console.printf("best: trial %d %s, %s %s (%s)%n", b.index(), describe(plans.get(b.index())), objective,
                format(bestValue), folder.resolve("trial-" + b.index()));
        console.flush();
        return outcomes.stream().allMatch(o -> o.exitCode() == 0) ? 0 : 1;
    }

    private Double value(Outcome o) {
        if (o.results() == null) {
            return null;
        }
        try {
            JsonNode v = new ObjectMapper().readTree(o.results()).get(objective);
            return v == null || v.isNull() ? null : v.isNumber() ? v.asDouble() : Double.valueOf(v.asText());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static String format(double v) {
        return String.format(java.util.Locale.ROOT, "%.6g", v);
    }

    private static String describe(Plan p) {
        List<String> parts = new ArrayList<>();
        p.varied().forEach((k, v) -> {
            if (!k.equals("seed")) {
                parts.add(k + "=" + v);
            }
        });
        parts.add("seed=" + p.seed());
        return "(" + String.join(", ", parts) + ")";
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    /** Trial {@code i}: grid point {@code i mod size}, seed + i / size (plus a varied seed). */
    private Plan plan(int i, List<Map<String, String>> points, Path folder) {
        Map<String, String> point = points.get(i % points.size());
        long s = (point.containsKey("seed") ? Long.parseLong(point.get("seed")) : seed) + i / points.size();
        List<String> args = new ArrayList<>(List.of("run", experimentId, "--out",
                folder.resolve("trial-" + i).toAbsolutePath().toString(), "--seed", String.valueOf(s), "--dtype", dtype,
                "--threads", String.valueOf(threads), "--progress", "none", "--executor", "local"));
        if (backend != null) {
            args.addAll(List.of("--backend", backend));
        }
        if (quick) {
            args.add("--quick");
        }
        if (configFile != null) {
            args.addAll(List.of("--config", configFile.toAbsolutePath().toString()));
        }
        if (dataDir != null) {
            args.addAll(List.of("--data-dir", dataDir.toAbsolutePath().toString()));
        }
        for (String set : sets) {
            args.addAll(List.of("--set", set));
        }
        point.forEach((k, v) -> {
            if (!k.equals("seed")) {
                args.addAll(List.of("--set", k + "=" + v));
            }
        });
        return new Plan(i, s, point, args);
    }

    /** --vary KEY=V1,V2 options as an ordered map of values. */
    static Map<String, List<String>> grid(List<String> vary) {
        Map<String, List<String>> grid = new LinkedHashMap<>();
        for (String v : vary) {
            int eq = v.indexOf('=');
            if (eq <= 0 || eq == v.length() - 1) {
                throw new InvalidInputException("--vary takes KEY=V1,V2,...; got '" + v + "'");
            }
            String key = v.substring(0, eq).trim();
            if (grid.containsKey(key)) {
                throw new InvalidInputException("--vary names '" + key + "' twice");
            }
            List<String> values = new ArrayList<>();
            for (String x : v.substring(eq + 1).split(",")) {
                if (!x.isBlank()) {
                    values.add(x.trim());
                }
            }
            if (key.equals("seed")) {
                values.forEach(x -> {
                    try {
                        Long.parseLong(x);
                    } catch (NumberFormatException e) {
                        throw new InvalidInputException("--vary seed: '" + x + "' is not a whole number");
                    }
                });
            }
            grid.put(key, values);
        }
        return grid;
    }

    /** Every combination of the grid's values, the first key varying slowest; one empty point for no grid. */
    static List<Map<String, String>> points(Map<String, List<String>> grid) {
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> e : grid.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> p : points) {
                for (String v : e.getValue()) {
                    Map<String, String> q = new LinkedHashMap<>(p);
                    q.put(e.getKey(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }
}
