package io.github.bilevel.plugin.implicit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.HypergradientStrategy;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.NonFiniteValueException;
import io.github.bilevel.api.Problem;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.RidgeRegressionProblem;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.ForwardingProblem;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The implicit strategies' inner loop stops on a non-finite inner loss, naming the step, like the unrolled ones. */
class ImplicitNonFiniteTest {
    private static final int BAD_STEP = 3;

    static List<HypergradientStrategy> strategies() {
        return List.of(new ConjugateGradient(), new FixedPoint(), new Neumann());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aNaNInTheInnerLossStopsTheHypergradientAtItsStep(HypergradientStrategy strategy) {
        Ops ops = new Engine(new ReferenceBackend(), DType.FLOAT64);
        Problem poisoned = new Poisoned(new RidgeRegressionProblem());
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> HyperparameterValues.compute(
                ops, strategy, poisoned, new GradientDescent(0.05), Map.of(), 10, Map.of("compile", "off")));
        assertEquals("inner loss", e.quantity());
        assertEquals(BAD_STEP, e.innerStep());
        assertTrue(e.getMessage().contains("inner step " + BAD_STEP), e.getMessage());
    }

    /** Ridge regression whose inner loss is NaN at one step. */
    private static final class Poisoned extends ForwardingProblem {
        Poisoned(RidgeRegressionProblem base) {
            super(base);
        }

        @Override
        public Tensor innerObjective(Ops ops, List<Tensor> params, Hyperparameters hyper, int step) {
            Tensor loss = super.innerObjective(ops, params, hyper, step);
            return step == BAD_STEP ? ops.mul(loss, Double.NaN) : loss;
        }
    }
}
