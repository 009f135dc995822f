package io.github.bilevel.support;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.HypergradientSpec;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/** Hyperparameter values as plain arrays: declarations, initial values, tensors, and one-call hypergradients. */
@API(status = STABLE, since = "0.1")
public final class HyperparameterValues {
    private HyperparameterValues() {
    }

    /**
     * All hyperparameter declarations, the problem's then the solver's.
     *
     * @throws IllegalArgumentException if a name is declared twice
     */
    public static List<HyperparameterSpec> declarations(Problem problem, InnerSolver solver) {
        Map<String, HyperparameterSpec> all = new LinkedHashMap<>();
        for (HyperparameterSpec h : problem.hyperparameters()) {
            all.put(h.name(), h);
        }
        for (HyperparameterSpec h : solver.hyperparameters()) {
            if (all.put(h.name(), h) != null) {
                throw new IllegalArgumentException("Hyperparameter name '" + h.name()
                        + "' is declared by both the problem and the solver " + solver.id());
            }
        }
        return List.copyOf(all.values());
    }

    /** The declared initial values, problem's then solver's. */
    public static Map<String, double[]> initial(Problem problem, InnerSolver solver) {
        Map<String, double[]> values = new LinkedHashMap<>();
        for (HyperparameterSpec h : declarations(problem, solver)) {
            values.put(h.name(), h.initial());
        }
        return values;
    }

    /**
     * Hyperparameter tensors of the default dtype: {@code values} where given, the declared initial value otherwise.
     *
     * @throws IllegalArgumentException if a value has the wrong length or names no declared hyperparameter
     */
    public static Hyperparameters tensors(Ops ops, Problem problem, InnerSolver solver, Map<String, double[]> values) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, double[]> unused = new LinkedHashMap<>(values);
        for (HyperparameterSpec h : declarations(problem, solver)) {
            double[] v = unused.remove(h.name());
            if (v == null) {
                v = h.initial();
            } else if (v.length != h.shape().size()) {
                throw new IllegalArgumentException("Hyperparameter '" + h.name() + "' has shape " + h.shape() + " ("
                        + h.shape().size() + " values) but " + v.length + " values were given");
            }
            tensors.put(h.name(), ops.constant(v, h.shape()));
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("Unknown hyperparameters " + unused.keySet() + "; declared: "
                    + initial(problem, solver).keySet());
        }
        return new Hyperparameters(tensors);
    }

    /**
     * Computes the hypergradient {@code spec} describes with the strategy instance it was given
     * ({@link HypergradientSpec#strategy(HypergradientStrategy)}); every tensor it creates is freed before it returns.
     * bilevel-core's {@code BilevelRuntime.hypergradient(spec)} also finds a strategy named by id.
     *
     * @throws IllegalStateException    if the spec names its strategy by id only
     * @throws IllegalArgumentException for an unknown option, hyperparameter name or value length
     */
    public static Hypergradient compute(Ops ops, HypergradientSpec spec) {
        HypergradientStrategy strategy = spec.strategyInstance().orElseThrow(() -> new IllegalStateException(
                "The spec names strategy '" + spec.strategyId() + "' by id; compute it with "
                        + "BilevelRuntime.hypergradient(spec), or give the strategy instance with strategy(...)"));
        return compute(ops, strategy, spec.problem(), spec.solver(), spec.values(), spec.steps(), spec.options());
    }

    /** Computes {@code spec} with {@code strategy}, which must have the spec's strategy id. */
    public static Hypergradient compute(Ops ops, HypergradientSpec spec, HypergradientStrategy strategy) {
        if (!strategy.id().equals(spec.strategyId())) {
            throw new IllegalArgumentException("The spec asks for strategy '" + spec.strategyId() + "' but was given '"
                    + strategy.id() + "'");
        }
        return compute(ops, spec.strategy(strategy));
    }

    /**
     * Computes a hypergradient; every tensor it creates is freed before it returns. {@link HypergradientSpec} names
     * each of these arguments.
     *
     * @throws IllegalArgumentException for an option the strategy does not read, an unknown hyperparameter name or a
     *                                  value of the wrong length
     */
    public static Hypergradient compute(Ops ops, HypergradientStrategy strategy, Problem problem, InnerSolver solver,
                                        Map<String, double[]> values, int steps, Map<String, String> options) {
        HypergradientSpec.checkOptions(strategy, options);
        // Compiled where the backend compiles: problems of one class with the same solver, strategy and settings
        // usually make the same kernel calls (the values and data arrays are fed anew each time); the replay checks
        // it and records afresh when they do not. Option compile=off runs eagerly.
        java.util.function.Supplier<Hypergradient> body = () -> {
            try (Scope s = ops.scope()) {
                Hyperparameters hyper = tensors(ops, problem, solver, values);
                return strategy.compute(new HypergradientRequest(ops, problem, solver, hyper, steps, options));
            }
        };
        if ("off".equals(options.get("compile"))) {
            return body.get();
        }
        return ops.compiled(java.util.List.of("hypergradient", strategy, problem.getClass(), solver, steps, options),
                body);
    }

    /**
     * {@code hyper} with the problem's derived tensors ({@link Problem#derived}) added under their names, connected to
     * the hyperparameters (derivatives flow through them). For strategies that do not treat derived tensors specially.
     *
     * @throws IllegalArgumentException if a derived tensor has the name of a hyperparameter
     */
    public static Hyperparameters withDerived(Ops ops, Problem problem, Hyperparameters hyper) {
        Map<String, Tensor> derived = problem.derived(ops, hyper);
        if (derived.isEmpty()) {
            return hyper;
        }
        Map<String, Tensor> all = new LinkedHashMap<>(hyper.asMap());
        for (Map.Entry<String, Tensor> e : derived.entrySet()) {
            if (all.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalArgumentException("Derived tensor '" + e.getKey() + "' of problem " + problem.id()
                        + " has the name of a hyperparameter");
            }
        }
        return new Hyperparameters(all);
    }
}
