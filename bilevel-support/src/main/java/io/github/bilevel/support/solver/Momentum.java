package io.github.bilevel.support.solver;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.SolverState;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Heavy-ball momentum, {@code v ← μ·v + ∇L, w ← w − η·v}, or with {@code nesterov} the look-ahead form
 * {@code w ← w − η·(∇L + μ·v)} (as in PyTorch's SGD). Hyperparameters {@code <id>.lr} (η) and {@code <id>.mu} (μ);
 * the id is {@code momentum} or {@code nesterov}. The velocity starts at zero.
 */
@API(status = STABLE, since = "0.1")
public class Momentum implements InnerSolver {
    private final String id;
    private final boolean nesterov;
    private final double lr;
    private final double mu;

    /** Heavy ball with learning rate 0.1 and momentum 0.9. */
    public Momentum() {
        this(0.1, 0.9, false);
    }

    public Momentum(double lr, double mu, boolean nesterov) {
        this.nesterov = nesterov;
        this.id = nesterov ? "nesterov" : "momentum";
        SolverSupport.positive(id + ".lr", lr);
        SolverSupport.unitInterval(id + ".mu", mu);
        this.lr = lr;
        this.mu = mu;
    }

    @Override
    public String id() {
        return id;
    }

    public String lrName() {
        return id + ".lr";
    }

    public String muName() {
        return id + ".mu";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(SolverSupport.positive(lrName(), lr), SolverSupport.unitInterval(muName(), mu));
    }

    @Override
    public SolverState initialize(Ops ops, List<Tensor> params, Hyperparameters hyper) {
        List<Tensor> velocity = new ArrayList<>();
        for (Tensor p : params) {
            velocity.add(ops.zerosLike(p));
        }
        return new SolverState(params, velocity);
    }

    @Override
    public SolverState step(Ops ops, SolverState state, List<Tensor> gradients, Hyperparameters hyper, int step) {
        Tensor eta = hyper.get(lrName());
        Tensor m = hyper.get(muName());
        List<Tensor> params = new ArrayList<>();
        List<Tensor> velocity = new ArrayList<>();
        for (int i = 0; i < gradients.size(); i++) {
            Tensor g = gradients.get(i);
            Tensor v = ops.add(ops.mul(m, state.slots().get(i)), g);
            Tensor direction = nesterov ? ops.add(g, ops.mul(m, v)) : v;
            params.add(ops.sub(state.parameters().get(i), ops.mul(eta, direction)));
            velocity.add(v);
        }
        return new SolverState(params, velocity);
    }

    /** Nesterov momentum as a separately discoverable solver. */
    public static final class Nesterov extends Momentum {
        public Nesterov() {
            super(0.1, 0.9, true);
        }

        public Nesterov(double lr, double mu) {
            super(lr, mu, true);
        }
    }
}
