package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The state {@code s_t} of an inner solver: the parameters w and the solver's slots (momentum, Adam moments, step
 * count). Strategies treat the whole state as the dynamical system's variable.
 *
 * @param parameters the inner parameters, in the problem's order; never null
 * @param slots      the solver's extra state, in the solver's order; never null, empty for plain gradient descent
 */
@API(status = STABLE, since = "0.1")
public record SolverState(List<Tensor> parameters, List<Tensor> slots) {
    public SolverState {
        parameters = List.copyOf(parameters);
        slots = List.copyOf(slots);
    }

    /** Parameters followed by slots. */
    public List<Tensor> all() {
        List<Tensor> all = new ArrayList<>(parameters);
        all.addAll(slots);
        return all;
    }

    /** Rebuilds a state from {@link #all()}-ordered tensors with {@code parameterCount} parameters. */
    public static SolverState of(List<Tensor> all, int parameterCount) {
        return new SolverState(all.subList(0, parameterCount), all.subList(parameterCount, all.size()));
    }
}
