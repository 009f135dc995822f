package io.github.bilevel.support;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A problem that forwards every method to another one; override the methods to change. For wrappers that instrument or
 * alter a problem (a NaN injected at one step, an extra term, a count of calls) without restating the rest.
 */
@API(status = STABLE, since = "0.1")
public abstract class ForwardingProblem implements Problem {
    private final Problem delegate;

    protected ForwardingProblem(Problem delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The problem every method forwards to. */
    protected final Problem delegate() {
        return delegate;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return delegate.hyperparameters();
    }

    @Override
    public List<Tensor> initialParameters(Ops ops, Hyperparameters hyper) {
        return delegate.initialParameters(ops, hyper);
    }

    @Override
    public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
        return delegate.innerObjective(ops, params, hyper, step);
    }

    @Override
    public Tensor outerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        return delegate.outerObjective(ops, params, hyper);
    }

    @Override
    public Map<String, Tensor> derived(Ops ops, Hyperparameters hyper) {
        return delegate.derived(ops, hyper);
    }
}
