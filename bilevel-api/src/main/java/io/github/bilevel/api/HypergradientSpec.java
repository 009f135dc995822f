package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apiguardian.api.API;

/**
 * One hypergradient to compute, every setting named: the problem, the inner solver, the number T of inner steps, the
 * strategy, its options and the hyperparameter values to differentiate at. Immutable; each {@code with}-style method
 * returns a new spec, so one spec can be the template of many.
 *
 * <pre>{@code
 * HypergradientSpec spec = HypergradientSpec.of(new Ridge(x, y, xv, yv), new GradientDescent(0.1), 200)
 *         .strategy("truncated-reverse").option("truncate", 50)   // default strategy: reverse, no options
 *         .at("lambda", 3.0);                                       // default: the declared initial values
 * Hypergradient g = runtime.hypergradient(spec);                    // bilevel-core's BilevelRuntime finds the strategy
 * double dEdLambda = g.get("lambda")[0];
 * }</pre>
 *
 * <p>Options are checked against the strategy's {@link HypergradientStrategy#optionNames()} before anything runs: a
 * misspelled option ({@code trunc=50}) is an {@link IllegalArgumentException} naming the closest known option, never a
 * silently used default. Without bilevel-core, bilevel-support computes a spec with a strategy instance:
 * {@code HyperparameterValues.compute(ops, spec.strategy(s))}.
 */
@API(status = STABLE, since = "0.1")
public final class HypergradientSpec {
    /** Options every strategy accepts: {@code compile=off} computes eagerly even on a backend that compiles. */
    public static final Set<String> COMMON_OPTIONS = Set.of("compile");
    /** The strategy used unless one is named: full reverse mode. */
    public static final String DEFAULT_STRATEGY = "reverse";

    private final Problem problem;
    private final InnerSolver solver;
    private final int steps;
    private final String strategyId;
    private final HypergradientStrategy strategy; // null: looked up by id
    private final Map<String, double[]> values;
    private final Map<String, String> options;

    private HypergradientSpec(Problem problem, InnerSolver solver, int steps, String strategyId,
                              HypergradientStrategy strategy, Map<String, double[]> values, Map<String, String> options) {
        this.problem = problem;
        this.solver = solver;
        this.steps = steps;
        this.strategyId = strategyId;
        this.strategy = strategy;
        this.values = values;
        this.options = options;
    }

    /**
     * A spec with the default strategy ({@value #DEFAULT_STRATEGY}), no options, and the declared initial values.
     *
     * @param steps the number T of inner steps, at least 0
     * @throws IllegalArgumentException if {@code steps} is negative
     */
    public static HypergradientSpec of(Problem problem, InnerSolver solver, int steps) {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(solver, "solver");
        if (steps < 0) {
            throw new IllegalArgumentException("The number of inner steps T must be >= 0, got " + steps);
        }
        return new HypergradientSpec(problem, solver, steps, DEFAULT_STRATEGY, null, Map.of(), Map.of());
    }

    /** The same spec with the strategy of this id (see {@code bilevel list} for the installed ones). */
    public HypergradientSpec strategy(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("A strategy id must not be blank");
        }
        return new HypergradientSpec(problem, solver, steps, id, null, values, options);
    }

    /** The same spec computed with this strategy instance (its id becomes {@link #strategyId()}). */
    public HypergradientSpec strategy(HypergradientStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        return new HypergradientSpec(problem, solver, steps, strategy.id(), strategy, values, options);
    }

    /**
     * The same spec with one more strategy option; {@code value} is written with {@link String#valueOf}, so
     * {@code option("truncate", 50)} and {@code option("truncate", "50")} are the same. Checked when computed.
     *
     * @throws IllegalArgumentException if the name is blank or the value is null
     */
    public HypergradientSpec option(String name, Object value) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || value == null) {
            throw new IllegalArgumentException("An option needs a name and a value, got " + name + "=" + value);
        }
        Map<String, String> all = new LinkedHashMap<>(options);
        all.put(name.trim(), String.valueOf(value).trim());
        return new HypergradientSpec(problem, solver, steps, strategyId, strategy, values, Collections.unmodifiableMap(all));
    }

    /** The same spec with these strategy options added (values written as in {@link #option}). */
    public HypergradientSpec options(Map<String, ?> more) {
        HypergradientSpec s = this;
        for (Map.Entry<String, ?> e : more.entrySet()) {
            s = s.option(e.getKey(), e.getValue());
        }
        return s;
    }

    /**
     * The same spec differentiated at {@code value} for hyperparameter {@code name} (others keep their values).
     * Names and lengths are checked against the declarations when computed.
     */
    public HypergradientSpec at(String name, double... value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Map<String, double[]> all = new LinkedHashMap<>(values);
        all.put(name, value.clone());
        return new HypergradientSpec(problem, solver, steps, strategyId, strategy, Collections.unmodifiableMap(all),
                options);
    }

    /** The same spec at all these values (see {@link #at(String, double...)}). */
    public HypergradientSpec at(Map<String, double[]> more) {
        HypergradientSpec s = this;
        for (Map.Entry<String, double[]> e : more.entrySet()) {
            s = s.at(e.getKey(), e.getValue());
        }
        return s;
    }

    public Problem problem() {
        return problem;
    }

    public InnerSolver solver() {
        return solver;
    }

    public int steps() {
        return steps;
    }

    public String strategyId() {
        return strategyId;
    }

    /** The strategy instance given to {@link #strategy(HypergradientStrategy)}; empty when named by id only. */
    public java.util.Optional<HypergradientStrategy> strategyInstance() {
        return java.util.Optional.ofNullable(strategy);
    }

    /** Hyperparameter values given with {@link #at}; those not given are the declared initial values. */
    public Map<String, double[]> values() {
        Map<String, double[]> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    public Map<String, String> options() {
        return options;
    }

    /**
     * Rejects options {@code strategy} does not read (see {@link HypergradientStrategy#optionNames()}).
     *
     * @throws IllegalArgumentException naming the unknown option, the closest known one and all known ones
     */
    public static void checkOptions(HypergradientStrategy strategy, Map<String, String> options) {
        Set<String> known = new TreeSet<>(strategy.optionNames());
        known.addAll(COMMON_OPTIONS);
        for (String name : options.keySet()) {
            if (!known.contains(name)) {
                String closest = closest(name, known);
                throw new InvalidInputException("Strategy '" + strategy.id() + "' has no option '" + name + "'"
                        + (closest == null ? "." : "; did you mean '" + closest + "'?") + " Its options: "
                        + String.join(", ", known));
            }
        }
    }

    private static String closest(String name, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = name.toLowerCase(Locale.ROOT);
        for (String k : known) {
            int d = k.startsWith(lower) || lower.startsWith(k) ? 1 : editDistance(lower, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @Override
    public String toString() {
        return "HypergradientSpec[problem=" + problem.id() + ", solver=" + solver.id() + ", steps=" + steps
                + ", strategy=" + strategyId + ", options=" + options + ", values=" + values.keySet() + "]";
    }
}
