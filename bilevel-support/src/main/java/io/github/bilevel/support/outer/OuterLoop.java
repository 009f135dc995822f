package io.github.bilevel.support.outer;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.NonFiniteValueException;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.outer.CheckpointStore;
import io.github.bilevel.api.outer.LearningRateSchedule;
import io.github.bilevel.api.outer.NonFinitePolicy;
import io.github.bilevel.api.outer.OuterOptimizer;
import io.github.bilevel.api.outer.OuterState;
import io.github.bilevel.api.task.HypergradientBatch;
import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.task.TaskSource;
import io.github.bilevel.api.task.TravellingTasks;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.support.HyperparameterValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;

/**
 * The outer loop: hypergradient (summed over the iteration's tasks, computed by a {@link TaskExecutor}) → outer
 * optimizer step with a scheduled learning rate → projection onto each hyperparameter's feasible set. Listeners see
 * every iteration. Build with {@link #builder()}.
 */
@API(status = STABLE, since = "0.1")
public final class OuterLoop {

    /**
     * One outer iteration, reported after the update.
     *
     * @param index         0-based outer iteration
     * @param objective     sum over tasks of {@code f_T} at the values before the update
     * @param hypergradient summed over tasks, at the values before the update
     * @param values        the hyperparameters after the update and projection
     * @param learningRate  the outer learning rate used
     * @param seconds       wall time of the iteration
     * @param skipped       under {@link NonFinitePolicy#SKIP_AND_HALVE}, why the update was skipped; null otherwise
     */
    public record Iteration(int index, double objective, Map<String, double[]> hypergradient,
                            Map<String, double[]> values, double learningRate, double seconds, String skipped) {
    }

    /** Receives each iteration; called on the thread running the loop. */
    @FunctionalInterface
    public interface Listener {
        void onIteration(Iteration iteration);
    }

    /**
     * The final hyperparameters and a summary of every iteration this call ran (objective, learning rate, seconds,
     * skip note; the per-iteration hypergradients and values go to listeners only).
     *
     * @param resumedAt the iteration the run started at: 0, or where a checkpoint left off
     */
    public record Result(Map<String, double[]> values, List<Iteration> history, int resumedAt) {
    }

    private final Builder b;

    private OuterLoop(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder set up with the run's ops, executor, checkpoint store for {@code phase} and non-finite policy;
     * {@code metrics} is the experiment's list of per-iteration rows ({@link ExperimentContext#history}), saved with each
     * checkpoint and restored on resuming.
     */
    public static Builder builder(ExperimentContext context, String phase, List<double[]> metrics) {
        return builder().ops(context.ops()).executor(context.executor())
                .checkpoints(context.checkpoints(phase), metrics).onNonFinite(context.nonFinitePolicy());
    }

    /**
     * Runs the iterations, continuing from the checkpoint store's latest state when there is one. Tensors are freed
     * after each task's hypergradient.
     *
     * @throws NonFiniteValueException under {@link NonFinitePolicy#STOP}, naming the outer iteration
     */
    public Result run() {
        List<Problem> first = b.tasks.tasks(0);
        if (first.isEmpty()) {
            throw new IllegalArgumentException("The task source returned no task for iteration 0");
        }
        List<HyperparameterSpec> specs = HyperparameterValues.declarations(first.get(0), b.solver);
        Map<String, double[]> values = new LinkedHashMap<>(HyperparameterValues.initial(first.get(0), b.solver));
        for (Map.Entry<String, double[]> e : b.initial.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new IllegalArgumentException("Unknown hyperparameter '" + e.getKey() + "'; declared: "
                        + values.keySet());
            }
            values.put(e.getKey(), e.getValue().clone());
        }
        int startAt = 0;
        double lrScale = 1;
        Optional<OuterState> resumed = b.checkpoints == null ? Optional.empty() : b.checkpoints.latest();
        if (resumed.isPresent()) {
            OuterState st = resumed.get();
            checkResumable(st, values);
            values.putAll(copy(st.values()));
            b.optimizer.restore(st.optimizerState());
            startAt = Math.min(st.completed(), b.iterations);
            lrScale = st.learningRateScale();
            b.metrics.clear();
            b.metrics.addAll(st.metrics());
            b.extras.clear();
            b.extras.putAll(copy(st.extras()));
        }
        List<Iteration> history = new ArrayList<>();
        for (int k = startAt; k < b.iterations; k++) {
            long start = System.nanoTime();
            List<Problem> tasks = k == 0 ? first : b.tasks.tasks(k);
            Map<String, double[]> current = Map.copyOf(values);
            List<Callable<Hypergradient>> jobs = new ArrayList<>();
            for (Problem p : tasks) {
                jobs.add(() -> HyperparameterValues.compute(b.ops, b.strategy, p, b.solver, current, b.steps, b.options));
            }
            HypergradientBatch batch = b.tasks instanceof TravellingTasks travelling ? new HypergradientBatch(
                    travelling.recipe(), k, tasks.size(), b.strategy.id(), b.options, b.solver.id(), b.steps) : null;
            double objective = 0;
            Map<String, double[]> sum = new LinkedHashMap<>();
            NonFiniteValueException nonFinite = null;
            try {
                // Added in the order TaskSums defines, wherever the tasks ran: the same bits on every executor.
                Hypergradient total = b.executor.hypergradientSum(batch, current, jobs);
                objective = total.outerObjective();
                for (HyperparameterSpec spec : specs) {
                    sum.put(spec.name(), total.get(spec.name()));
                }
                NonFiniteValueException.check(objective, "outer objective", -1);
                for (Map.Entry<String, double[]> e : sum.entrySet()) {
                    for (double g : e.getValue()) {
                        NonFiniteValueException.check(g, "hypergradient of '" + e.getKey() + "'", -1);
                    }
                }
            } catch (RuntimeException e) {
                nonFinite = nonFiniteCause(e);
                if (nonFinite == null) {
                    throw e;
                }
                nonFinite = nonFinite.atOuterIteration(k);
                if (b.nonFinitePolicy == NonFinitePolicy.STOP) {
                    throw nonFinite;
                }
            }
            double lr = b.schedule.at(k) * lrScale;
            if (nonFinite == null) {
                for (HyperparameterSpec spec : specs) {
                    if (b.frozen.contains(spec.name())) {
                        continue;
                    }
                    double[] next = b.optimizer.step(spec.name(), values.get(spec.name()), sum.get(spec.name()), lr);
                    values.put(spec.name(), Projection.project(spec.constraint(), next));
                }
            } else {
                lrScale /= 2;
                objective = Double.NaN;
                sum.clear();
            }
            Iteration it = new Iteration(k, objective, sum, copy(values), lr, (System.nanoTime() - start) / 1e9,
                    nonFinite == null ? null : nonFinite.getMessage());
            // The result keeps a summary only: every iteration's hypergradient and values would hold
            // O(iterations × hyperparameters) memory (gigabytes for a convolutional representation).
            history.add(new Iteration(k, objective, Map.of(), Map.of(), lr, it.seconds(), it.skipped()));
            for (Listener l : b.listeners) {
                l.onIteration(it);
            }
            boolean last = k + 1 == b.iterations || b.stop.getAsBoolean();
            if (b.checkpoints != null) {
                OuterState st = new OuterState(k + 1, values, b.optimizer.state(), lrScale, b.metrics, b.extras);
                if (last) {
                    b.checkpoints.finished(st);
                } else {
                    b.checkpoints.iterationCompleted(st);
                }
            }
            if (last) {
                break;
            }
        }
        return new Result(copy(values), history, startAt);
    }

    private static NonFiniteValueException nonFiniteCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NonFiniteValueException n) {
                return n;
            }
        }
        return null;
    }

    private static void checkResumable(OuterState st, Map<String, double[]> declared) {
        for (Map.Entry<String, double[]> e : st.values().entrySet()) {
            double[] d = declared.get(e.getKey());
            if (d == null || d.length != e.getValue().length) {
                throw new InvalidInputException("The checkpoint holds hyperparameter '" + e.getKey() + "' of size "
                        + e.getValue().length + ", which this problem does not declare"
                        + (d == null ? "" : " with that size (declared size " + d.length + ")"));
            }
        }
        if (!st.values().keySet().equals(declared.keySet())) {
            throw new InvalidInputException("The checkpoint holds hyperparameters " + st.values().keySet()
                    + " but the problem declares " + declared.keySet());
        }
    }

    private static Map<String, double[]> copy(Map<String, double[]> m) {
        Map<String, double[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    /** Settings of an outer loop; {@link #build()} validates them. */
    public static final class Builder {
        private Ops ops;
        private TaskSource tasks;
        private InnerSolver solver;
        private HypergradientStrategy strategy;
        private int steps = 100;
        private int iterations = 100;
        private OuterOptimizer optimizer = OuterOptimizers.adam();
        private LearningRateSchedule schedule = LearningRateSchedule.constant(0.01);
        private Map<String, String> options = Map.of();
        private final Map<String, double[]> initial = new LinkedHashMap<>();
        private final List<Listener> listeners = new ArrayList<>();
        private final java.util.Set<String> frozen = new java.util.HashSet<>();
        private TaskExecutor executor = TaskExecutor.sequential();
        private CheckpointStore checkpoints;
        private List<double[]> metrics = new ArrayList<>();
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.STOP;
        private Map<String, double[]> extras = new LinkedHashMap<>();
        private java.util.function.BooleanSupplier stop = () -> false;

        public Builder ops(Ops ops) {
            this.ops = ops;
            return this;
        }

        /** A single problem (hyperparameter optimization). */
        public Builder problem(Problem problem) {
            this.tasks = TaskSource.single(Objects.requireNonNull(problem, "problem"));
            return this;
        }

        /** Tasks per iteration (meta-learning). */
        public Builder tasks(TaskSource tasks) {
            this.tasks = tasks;
            return this;
        }

        public Builder solver(InnerSolver solver) {
            this.solver = solver;
            return this;
        }

        public Builder strategy(HypergradientStrategy strategy) {
            this.strategy = strategy;
            return this;
        }

        /** Inner steps T (default 100). */
        public Builder innerSteps(int steps) {
            this.steps = steps;
            return this;
        }

        /** Outer iterations (default 100). */
        public Builder iterations(int iterations) {
            this.iterations = iterations;
            return this;
        }

        /** Default Adam. */
        public Builder optimizer(OuterOptimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** Default constant 0.01. */
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        public Builder strategyOptions(Map<String, String> options) {
            this.options = Map.copyOf(options);
            return this;
        }

        /** Starts from this value instead of the declared initial one. */
        public Builder initial(String name, double[] value) {
            this.initial.put(name, value.clone());
            return this;
        }

        /** Keeps a hyperparameter at its value (for example a solver's learning rate that should not be tuned). */
        public Builder freeze(String name) {
            this.frozen.add(name);
            return this;
        }

        public Builder listener(Listener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Default: {@link TaskExecutor#sequential()}. The caller closes an executor it passes. */
        public Builder executor(TaskExecutor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Saves the loop's state to {@code store} after every iteration (the store decides when to write) and, when
         * the store holds a checkpoint, continues from it. {@code metrics} is the caller's list of per-iteration rows:
         * it is saved with each state and, on resuming, replaced by the saved rows. The outer optimizer must expose
         * its state ({@link OuterOptimizer#state()}), and the task source must give the same tasks for the same
         * iteration, for a resumed run to match an uninterrupted one.
         */
        public Builder checkpoints(CheckpointStore store, List<double[]> metrics) {
            this.checkpoints = Objects.requireNonNull(store, "store");
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Named arrays saved with every checkpoint and restored on resuming (the map is replaced in place), for state
         * the experiment keeps beside the metrics, such as the best hyperparameters found by validation.
         */
        public Builder extras(Map<String, double[]> extras) {
            this.extras = Objects.requireNonNull(extras, "extras");
            return this;
        }

        /**
         * Ends the loop early, after the iteration (and its listeners) at which {@code stop} first returns true, for
         * example when a time budget is spent. The state at that point is checkpointed as final.
         */
        public Builder until(java.util.function.BooleanSupplier stop) {
            this.stop = Objects.requireNonNull(stop, "stop");
            return this;
        }

        /** Default {@link NonFinitePolicy#STOP}. */
        public Builder onNonFinite(NonFinitePolicy policy) {
            this.nonFinitePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public OuterLoop build() {
            Objects.requireNonNull(ops, "ops: call ops(...)");
            Objects.requireNonNull(tasks, "problem or tasks: call problem(...) or tasks(...)");
            Objects.requireNonNull(solver, "solver: call solver(...)");
            Objects.requireNonNull(strategy, "strategy: call strategy(...)");
            io.github.bilevel.api.HypergradientSpec.checkOptions(strategy, options);
            if (steps < 0) {
                throw new IllegalArgumentException("Inner steps must be >= 0, got " + steps);
            }
            if (iterations < 0) {
                throw new IllegalArgumentException("Outer iterations must be >= 0, got " + iterations);
            }
            if (tasks instanceof TravellingTasks) {
                try {
                    solver.getClass().getConstructor();
                } catch (NoSuchMethodException e) {
                    throw new IllegalArgumentException("Tasks that travel rebuild the inner solver by its id '"
                            + solver.id() + "'; " + solver.getClass().getName() + " has no public no-argument "
                            + "constructor");
                }
            }
            return new OuterLoop(this);
        }
    }
}
