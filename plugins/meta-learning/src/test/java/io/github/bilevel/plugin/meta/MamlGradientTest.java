package io.github.bilevel.plugin.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.Hypergradient;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.InnerSolver;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.check.GradientCheck;
import io.github.bilevel.core.hypergradient.FirstOrder;
import io.github.bilevel.core.hypergradient.ReverseMode;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.support.HyperparameterValues;
import io.github.bilevel.support.solver.GradientDescent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** MAML's meta-gradient in float64 on a tiny network: second order against finite differences, first order exactly. */
class MamlGradientTest {
    private final Ops ops = new Engine(new ReferenceBackend(), DType.FLOAT64);
    private final ConvRepresentation tiny = new ConvRepresentation(1, 6, 2, 2, 5);
    private final MamlProblem.Network network = new MamlProblem.Network(tiny, 3);

    /** The initial values with a random head, so that every weight's derivative is generic. */
    private Map<String, double[]> values(InnerSolver solver) {
        Map<String, double[]> v = new java.util.LinkedHashMap<>(HyperparameterValues.initial(
                new MamlProblem(network, HyperRepresentationGradientTest.episode(1)), solver));
        Random r = new Random(3);
        for (String head : List.of(MamlProblem.HEAD_WEIGHT, MamlProblem.HEAD_BIAS)) {
            double[] w = v.get(head);
            for (int i = 0; i < w.length; i++) {
                w[i] = 0.5 * r.nextGaussian();
            }
        }
        return v;
    }

    @Test
    void secondOrderMetaGradientMatchesCentralDifferences() {
        MamlProblem p = new MamlProblem(network, HyperRepresentationGradientTest.episode(1));
        InnerSolver gd = new GradientDescent(0.3);
        List<GradientCheck.Component> components = GradientCheck.check(ops, new ReverseMode(), p, gd, values(gd), 3,
                Map.of(), 1e-4);
        // every filter, scale and shift of the backbone, the head (8 features × 3 classes and 3 biases), and gd.lr
        assertEquals(2 * 9 + 2 * 2 * 9 + 4 * 2 + 8 * 3 + 3 + 1, components.size());
        for (GradientCheck.Component c : components) {
            assertTrue(c.relativeError(1e-7) < 1e-6, c.toString());
        }
        assertEquals(0, ops.memory().liveBytes(), "tensors left behind");
    }

    @Test
    void firstOrderMetaGradientIsTheQueryGradientAtTheAdaptedWeights() {
        MamlProblem p = new MamlProblem(network, HyperRepresentationGradientTest.episode(2));
        InnerSolver fixed = GradientDescent.fixedRate(0.3);
        Map<String, double[]> values = values(fixed);
        int steps = 3;
        Hypergradient g = HyperparameterValues.compute(ops, new FirstOrder(), p, fixed, values, steps, Map.of());
        try (Scope s = ops.scope()) {
            Hyperparameters hyper = HyperparameterValues.tensors(ops, p, fixed, values);
            List<Tensor> w = new ArrayList<>();
            p.initialParameters(ops, hyper).forEach(t -> w.add(t.detach()));
            for (int t = 0; t < steps; t++) {
                List<Tensor> grad = ops.grad(p.innerObjective(ops, w, hyper, t), w, false);
                for (int k = 0; k < w.size(); k++) {
                    w.set(k, ops.sub(w.get(k), ops.mul(grad.get(k), 0.3)));
                }
            }
            Tensor query = p.outerObjective(ops, w, hyper);
            assertEquals(query.item(), g.outerObjective(), 1e-12 * query.item());
            List<Tensor> expected = ops.grad(query, w, false);
            List<HyperparameterSpec> specs = p.hyperparameters();
            assertEquals(specs.size(), g.gradients().size(), "one gradient per weight, no solver hyperparameter");
            for (int k = 0; k < specs.size(); k++) {
                double[] want = expected.get(k).toDoubleArray();
                double[] got = g.gradients().get(specs.get(k).name());
                double scale = 0;
                for (double x : want) {
                    scale = Math.max(scale, Math.abs(x));
                }
                assertTrue(scale > 0, specs.get(k).name() + " has a zero gradient");
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-12 * scale, specs.get(k).name() + "[" + i + "]");
                }
            }
        }
        assertEquals(0, ops.memory().liveBytes(), "tensors left behind");
    }

    @Test
    void firstAndSecondOrderDifferOnlyByTheDynamicsTerm() {
        // with no inner step the adapted weights are the initialization: both are the query gradient at λ
        MamlProblem p = new MamlProblem(network, HyperRepresentationGradientTest.episode(3));
        InnerSolver fixed = GradientDescent.fixedRate(0.3);
        Map<String, double[]> values = values(fixed);
        Hypergradient first = HyperparameterValues.compute(ops, new FirstOrder(), p, fixed, values, 0, Map.of());
        Hypergradient second = HyperparameterValues.compute(ops, new ReverseMode(), p, fixed, values, 0, Map.of());
        for (String name : first.gradients().keySet()) {
            double[] a = first.gradients().get(name);
            double[] b = second.gradients().get(name);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-12 * Math.max(1, Math.abs(b[i])), name + "[" + i + "]");
            }
        }
        // after steps they differ: the second-order terms are not zero
        double[] a = HyperparameterValues.compute(ops, new FirstOrder(), p, fixed, values, 2, Map.of())
                .gradients().get(ConvRepresentation.filterName(0));
        double[] b = HyperparameterValues.compute(ops, new ReverseMode(), p, fixed, values, 2, Map.of())
                .gradients().get(ConvRepresentation.filterName(0));
        assertTrue(!java.util.Arrays.equals(a, b), "second-order terms vanished");
    }

    @Test
    void anEpisodeMustHaveAsManyClassesAsTheHead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                new MamlProblem(new MamlProblem.Network(tiny, 5), HyperRepresentationGradientTest.episode(1)));
        assertEquals("A 3-way episode for a network with 5 outputs", e.getMessage());
    }
}
