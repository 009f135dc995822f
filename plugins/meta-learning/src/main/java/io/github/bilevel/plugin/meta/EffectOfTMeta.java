package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.experiment.Plot;
import io.github.bilevel.data.omniglot.Omniglot;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The paper's effect-of-T study in meta-learning: Omniglot hyper-representation training for several numbers T of
 * inner steps with the same outer budget each; meta-test accuracy and time per outer iteration against T.
 */
public final class EffectOfTMeta implements Experiment {
    static final List<String> HISTORY;

    static {
        List<String> columns = new ArrayList<>(List.of("T"));
        columns.addAll(OmniglotFewShot.HISTORY);
        HISTORY = List.copyOf(columns);
    }

    /** The rows of one T's run as the run sees them (without the T column), written through to {@code rows}. */
    static final class WithT extends AbstractList<double[]> implements RandomAccess {
        private final List<double[]> rows;
        private final double t;

        WithT(List<double[]> rows, double t) {
            this.rows = rows;
            this.t = t;
        }

        @Override
        public double[] get(int index) {
            double[] r = rows.get(index);
            return Arrays.copyOfRange(r, 1, r.length);
        }

        @Override
        public int size() {
            return rows.size();
        }

        private double[] withT(double[] row) {
            double[] r = new double[row.length + 1];
            r[0] = t;
            System.arraycopy(row, 0, r, 1, row.length);
            return r;
        }

        @Override
        public void add(int index, double[] row) {
            rows.add(index, withT(row));
            modCount++;
        }

        @Override
        public double[] set(int index, double[] row) {
            double[] old = rows.set(index, withT(row));
            return Arrays.copyOfRange(old, 1, old.length);
        }

        @Override
        public double[] remove(int index) {
            double[] old = rows.remove(index);
            modCount++;
            return Arrays.copyOfRange(old, 1, old.length);
        }

        @Override
        public boolean addAll(Collection<? extends double[]> c) {
            List<double[]> added = new ArrayList<>();
            c.forEach(r -> added.add(withT(r)));
            modCount++;
            return rows.addAll(added); // one append to history.csv for a restored checkpoint's rows
        }

        @Override
        public void clear() {
            rows.clear();
            modCount++;
        }
    }

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
        OmniglotFewShot.Settings base = OmniglotFewShot.Settings.of(new Config(withT), false);
        EpisodeSource data = OmniglotFewShot.load(ctx, base, ctx.seed());
        List<Map<String, Object>> perT = new ArrayList<>();
        // One history.csv for all T: the T column, then the columns of one meta-training run; each run adds its rows
        // through a view of the rows that follow the earlier runs' rows.
        List<double[]> history = ctx.history(HISTORY);
        ctx.livePlots(() -> plots(List.copyOf(perT)));
        for (int t : ts) {
            OmniglotFewShot.Outcome o = OmniglotFewShot.train(ctx, base.withSteps(t), data, "T" + t,
                    "T = " + t + " meta-training", new WithT(history.subList(history.size(), history.size()), t));
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("T", t);
            e.put("test_accuracy", o.testAccuracy());
            e.put("ci95", o.ci95());
            e.put("best_validation_accuracy", o.bestValidationAccuracy());
            e.put("best_validation_ci95", o.bestValidationCi95());
            e.put("seconds_per_iteration", o.secondsPerIteration());
            e.put("meta_iterations", o.iterations());
            e.put("inner_lr", o.innerLr());
            perT.add(e);
        }
        double[] tAxis = Arrays.stream(ts).asDoubleStream().toArray();
        double[] secs = perT.stream().mapToDouble(e -> (Double) e.get("seconds_per_iteration")).toArray();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("per_T", perT);
        results.put("time_fit", EffectOfT.timeFit(tAxis, secs));
        results.put("ways", base.ways());
        results.put("shots", base.shots());
        results.put("episodes", base.testEpisodes());
        results.put("data", OmniglotFewShot.dataSource(ctx));
        return new ExperimentResult(results, HISTORY, history, plots(perT));
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
