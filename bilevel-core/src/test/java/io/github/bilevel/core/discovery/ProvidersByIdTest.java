package io.github.bilevel.core.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HypergradientRequest;
import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.experiment.Experiment;
import io.github.bilevel.api.experiment.ExperimentContext;
import io.github.bilevel.api.experiment.ExperimentResult;
import io.github.bilevel.api.task.TaskFactory;
import io.github.bilevel.api.task.TaskRecipe;
import io.github.bilevel.api.task.TaskSource;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Two providers with one id are an error naming both, for every kind of provider looked up by id. */
class ProvidersByIdTest {

    private static <T> ProvidersById.DuplicateProviderException duplicate(String kind, T a, T b, Function<T, String> id) {
        Discovered<T> found = new Discovered<>(List.of(new Discovered.Found<>(a, "first.jar"),
                new Discovered.Found<>(b, "second.jar")), List.of());
        return assertThrows(ProvidersById.DuplicateProviderException.class, () -> ProvidersById.of(kind, found, id));
    }

    private static void namesBoth(ProvidersById.DuplicateProviderException e, String id, Object a, Object b) {
        String m = e.getMessage();
        assertTrue(m.contains("'" + id + "'") && m.contains(a.getClass().getName() + " (first.jar)")
                && m.contains(b.getClass().getName() + " (second.jar)") && m.contains("Remove one of them"), m);
    }

    /** A strategy that claims the id of core's reverse mode. */
    static final class ImpostorReverse implements HypergradientStrategy {
        @Override
        public String id() {
            return "reverse";
        }

        @Override
        public Hypergradient compute(HypergradientRequest request) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void strategies() {
        ReverseMode a = new ReverseMode();
        ImpostorReverse b = new ImpostorReverse();
        namesBoth(duplicate("hypergradient strategy", a, b, HypergradientStrategy::id), "reverse", a, b);
    }

    @Test
    void innerSolvers() {
        InnerSolver a = new GradientDescent();
        InnerSolver b = new GradientDescent(0.5);
        namesBoth(duplicate("inner solver", a, b, InnerSolver::id), "gd", a, b);
    }

    record NamedExperiment(String id) implements Experiment {
        @Override
        public String description() {
            return id;
        }

        @Override
        public List<io.github.bilevel.api.experiment.ConfigOption> options() {
            return List.of();
        }

        @Override
        public ExperimentResult run(ExperimentContext context) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void experiments() {
        Experiment a = new NamedExperiment("hyper-cleaning");
        Experiment b = new NamedExperiment("hyper-cleaning");
        namesBoth(duplicate("experiment", a, b, Experiment::id), "hyper-cleaning", a, b);
    }

    record NamedFactory(String id) implements TaskFactory {
        @Override
        public TaskSource open(TaskRecipe recipe) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void taskFactories() {
        TaskFactory a = new NamedFactory("omniglot-episodes");
        TaskFactory b = new NamedFactory("omniglot-episodes");
        namesBoth(duplicate("task factory", a, b, TaskFactory::id), "omniglot-episodes", a, b);
    }

    @Test
    void distinctIdsAreKeptInDiscoveryOrderAndAnUnknownIdListsTheKnownOnes() {
        Experiment a = new NamedExperiment("b-second");
        Experiment b = new NamedExperiment("a-first");
        ProvidersById<Experiment> byId = ProvidersById.of("experiment", new Discovered<>(List.of(
                new Discovered.Found<>(a, "x.jar"), new Discovered.Found<>(b, "y.jar")), List.of()), Experiment::id);
        assertEquals(List.of("b-second", "a-first"), List.copyOf(byId.asMap().keySet()));
        assertSame(b, byId.get("a-first"));
        String m = assertThrows(IllegalArgumentException.class, () -> byId.get("c")).getMessage();
        assertEquals("Unknown experiment 'c'. Known: b-second, a-first", m);
    }
}
