package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.experiment.Plot;
import io.github.bilevel.data.omniglot.Omniglot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's effect-of-T study in meta-learning: Omniglot hyper-representation training for several numbers T of
 * inner steps with the same outer budget each; meta-test accuracy and time per outer iteration against T.
 */
public final class EffectOfTMeta implements Experiment {

    @Override
    public String id() {
        return "effect-of-t-meta";
    }

    @Override
    public String description() {
        return "How T changes a meta-learned representation: Omniglot few-shot for several T, same outer budget";
    }

    @Override
    public List<ConfigOption> options() {
        List<ConfigOption> out = new ArrayList<>();
        out.add(ConfigOption.text("T_values", "1,2,4,8,16", "inner step counts to compare, comma-separated"));
        for (ConfigOption o : new OmniglotFewShot().options()) {
            if (o.key().equals("T")) {
                continue;
            }
            out.add(switch (o.key()) {
                case "iterations" -> ConfigOption.integer("iterations", 300, 0, 10_000_000,
                        "outer iterations for each T");
                case "validate_every" -> ConfigOption.integer("validate_every", 100, 1, 10_000_000,
                        "outer iterations between meta-validations");
                case "validation_episodes" -> ConfigOption.integer("validation_episodes", 100, 1, 100_000,
                        "episodes per meta-validation");
                case "test_episodes" -> ConfigOption.integer("test_episodes", 300, 1, 100_000, "meta-test episodes");
                default -> o;
            });
        }
        return out;
    }

    @Override
    public Map<String, Object> quickOverrides() {
        return Map.of("T_values", "1,4", "iterations", 10, "validate_every", 10, "validation_episodes", 10,
                "test_episodes", 40, "filters", 16);
    }

    @Override
    public ExperimentResult run(ExperimentContext ctx) throws Exception {
        Config c = ctx.config();
        int[] ts = EffectOfT.tValues(c.getString("T_values"));
        Map<String, Object> withT = new LinkedHashMap<>(c.asMap());
        withT.put("T", ts[0]);
        OmniglotFewShot.Settings base = OmniglotFewShot.Settings.of(new Config(withT));
        Omniglot data = OmniglotFewShot.load(ctx, base);
        List<Map<String, Object>> perT = new ArrayList<>();
        List<double[]> history = new ArrayList<>();
        ctx.livePlots(() -> plots(List.copyOf(perT)));
        for (int t : ts) {
            OmniglotFewShot.Outcome o = OmniglotFewShot.train(ctx, base.withSteps(t), data, "T" + t,
                    "T = " + t + " meta-training");
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("T", t);
            e.put("test_accuracy", o.testAccuracy());
            e.put("ci95", o.ci95());
            e.put("best_validation_accuracy", o.bestValidationAccuracy());
            e.put("seconds_per_iteration", o.secondsPerIteration());
            e.put("meta_iterations", o.iterations());
            e.put("inner_lr", o.innerLr());
            perT.add(e);
            for (double[] row : o.history()) {
                double[] r = new double[row.length + 1];
                r[0] = t;
                System.arraycopy(row, 0, r, 1, row.length);
                history.add(r);
            }
        }
        double[] tAxis = Arrays.stream(ts).asDoubleStream().toArray();
        double[] secs = perT.stream().mapToDouble(e -> (Double) e.get("seconds_per_iteration")).toArray();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("per_T", perT);
        results.put("time_fit", LinearFit.of(tAxis, secs).asMap());
        results.put("ways", base.ways());
        results.put("shots", base.shots());
        results.put("episodes", base.testEpisodes());
        results.put("data", ctx.dataDir().map(p -> "Omniglot files in " + p).orElse("embedded Omniglot copy"));
        return new ExperimentResult(results, List.of("T", "iteration", "outer_objective", "validation_accuracy",
                "inner_lr", "seconds", "training_seconds"), history, plots(perT));
    }

    /** The plots of the values of T done so far, from their entries in results.json's {@code per_T}. */
    static List<Plot> plots(List<Map<String, Object>> perT) {
        double[] tAxis = perT.stream().mapToDouble(e -> ((Number) e.get("T")).doubleValue()).toArray();
        Map<String, double[]> accSeries = new LinkedHashMap<>();
        accSeries.put("meta-test", perT.stream().mapToDouble(e -> (Double) e.get("test_accuracy")).toArray());
        accSeries.put("best meta-validation", perT.stream()
                .mapToDouble(e -> (Double) e.get("best_validation_accuracy")).toArray());
        double[] secs = perT.stream().mapToDouble(e -> (Double) e.get("seconds_per_iteration")).toArray();
        return List.of(
                new Plot("accuracy_vs_T.png", "Meta-test accuracy after the same outer budget", "T (inner steps)",
                        "accuracy", Plot.Kind.LINE, tAxis, accSeries),
                new Plot("time_vs_T.png", "Seconds per outer iteration", "T (inner steps)", "seconds",
                        Plot.Kind.LINE, tAxis, Map.of("reverse mode", secs)));
    }
}
