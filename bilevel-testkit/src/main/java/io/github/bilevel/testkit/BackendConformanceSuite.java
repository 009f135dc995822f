package io.github.bilevel.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.MemoryStats;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every backend passes. Extend it in the backend's tests and implement {@link #createBackend()}:
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends BackendConformanceSuite {
 *     protected Backend createBackend() { return new MyBackendProvider().create(BackendConfig.defaults()); }
 * }
 * }</pre>
 *
 * <p>It checks, for every case of {@link OpCatalog}: the forward value and the gradient against the pure-Java float64
 * oracle (float64: rtol 1e-12; float32: rtol 1e-5), the gradient and the Hessian-vector product against fourth-order
 * central finite differences in float64 (rtol 1e-6), the softmax-regression Hessian and a per-weight L2 mixed
 * derivative against their analytic forms (rtol 1e-10), and that closing a scope gives back every tensor and byte.
 */
public abstract class BackendConformanceSuite extends BackendTestBase {
    private final Backend oracle = new ReferenceBackend();





    /** Scalar objective {@code Σ c⊙f + ½ Σ d⊙f²}: its Hessian involves both f's second derivative and Jᵀ·J. */
    private static Tensor objective(Ops ops, OpCase c, List<Tensor> in, long seed) {
        Tensor f = c.function().apply(ops, in);
        Random rng = new Random(seed);
        int n = (int) f.size();
        Tensor cw = ops.constant(OpCase.Inputs.NORMAL.draw(rng, n), f.shape(), f.dtype());
        Tensor dw = ops.constant(OpCase.Inputs.NORMAL.draw(rng, n), f.shape(), f.dtype());
        return ops.add(ops.sum(ops.mul(cw, f)), ops.mul(ops.sum(ops.mul(dw, ops.square(f))), 0.5));
    }

    private static List<double[]> draw(OpCase c, long seed) {
        Random rng = new Random(seed);
        List<double[]> in = new ArrayList<>();
        for (int i = 0; i < c.shapes().size(); i++) {
            in.add(c.inputs().get(i).draw(rng, (int) c.shapes().get(i).size()));
        }
        return in;
    }

    private static List<Tensor> constants(Ops ops, OpCase c, List<double[]> values, DType dtype) {
        List<Tensor> t = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            t.add(ops.constant(values.get(i), c.shapes().get(i), dtype));
        }
        return t;
    }

    private static long seed(OpCase c, int index) {
        return 1_000_003L * index + c.name().hashCode();
    }

    /** Forward value and (where differentiable) gradient of the case's objective. */
    private static List<double[]> evaluate(Engine e, OpCase c, List<double[]> x, DType dtype, long seed) {
        try (Scope s = e.scope()) {
            List<Tensor> in = constants(e, c, x, dtype);
            List<double[]> out = new ArrayList<>();
            out.add(c.function().apply(e, in).toDoubleArray());
            if (c.differentiable()) {
                for (Tensor g : e.grad(objective(e, c, in, seed), in, false)) {
                    out.add(g.toDoubleArray());
                }
            }
            return out;
        }
    }

    private Stream<DynamicTest> perCase(String kind, CaseCheck check) {
        List<OpCase> cases = OpCatalog.all();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            OpCase c = cases.get(i);
            long seed = seed(c, i);
            tests.add(DynamicTest.dynamicTest(kind + " " + c, () -> check.run(c, seed)));
        }
        return tests.stream();
    }

    private interface CaseCheck {
        void run(OpCase c, long seed) throws Exception;
    }

    @TestFactory
    Stream<DynamicTest> float64MatchesOracle() {
        return perCase("float64 vs oracle", (c, seed) -> compareWithOracle(c, seed, DType.FLOAT64));
    }

    @TestFactory
    Stream<DynamicTest> float32MatchesOracle() {
        return perCase("float32 vs oracle", (c, seed) -> compareWithOracle(c, seed, DType.FLOAT32));
    }

    private void compareWithOracle(OpCase c, long seed, DType dtype) {
        List<double[]> x = draw(c, seed);
        try (Engine under = new Engine(backend(), dtype); Engine ref = new Engine(oracle, dtype)) {
            List<double[]> actual = evaluate(under, c, x, dtype, seed);
            List<double[]> expected = evaluate(ref, c, x, dtype, seed);
            Tolerance forward = Tolerance.oracle(dtype);
            forward.assertClose(c + " value", actual.get(0), expected.get(0));
            // Gradients chain several kernels, each rounding in float32; float64 holds the kernel tolerance.
            Tolerance backward = dtype == DType.FLOAT64 ? forward : new Tolerance(1e-5, 1e-4);
            for (int i = 1; i < actual.size(); i++) {
                backward.assertClose(c + " gradient " + (i - 1), actual.get(i), expected.get(i));
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> gradientMatchesFiniteDifferences() {
        return perCase("gradient vs finite differences", (c, seed) -> {
            if (!c.differentiable()) {
                return;
            }
            List<double[]> x = draw(c, seed);
            try (Engine e = new Engine(backend(), DType.FLOAT64)) {
                List<double[]> analytic = new ArrayList<>();
                try (Scope s = e.scope()) {
                    List<Tensor> in = constants(e, c, x, DType.FLOAT64);
                    for (Tensor g : e.grad(objective(e, c, in, seed), in, false)) {
                        analytic.add(g.toDoubleArray());
                    }
                }
                List<double[]> numeric = FiniteDifferences.gradient(v -> {
                    try (Scope s = e.scope()) {
                        return objective(e, c, constants(e, c, v, DType.FLOAT64), seed).item();
                    }
                }, x, FiniteDifferences.STEP);
                for (int i = 0; i < x.size(); i++) {
                    Tolerance.finiteDifferences().assertClose(c + " gradient " + i, analytic.get(i), numeric.get(i));
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> hessianVectorProductMatchesFiniteDifferences() {
        return perCase("Hessian-vector product vs finite differences", (c, seed) -> {
            if (!c.differentiable()) {
                return;
            }
            List<double[]> x = draw(c, seed);
            List<double[]> v = draw(c, seed + 17);
            try (Engine e = new Engine(backend(), DType.FLOAT64)) {
                List<double[]> analytic = new ArrayList<>();
                try (Scope s = e.scope()) {
                    List<Tensor> in = constants(e, c, x, DType.FLOAT64);
                    List<Tensor> dir = constants(e, c, v, DType.FLOAT64);
                    for (Tensor h : e.hvp(objective(e, c, in, seed), in, dir, false)) {
                        analytic.add(h.toDoubleArray());
                    }
                }
                List<double[]> numeric = FiniteDifferences.directional(p -> {
                    try (Scope s = e.scope()) {
                        List<Tensor> in = constants(e, c, p, DType.FLOAT64);
                        List<double[]> g = new ArrayList<>();
                        for (Tensor t : e.grad(objective(e, c, in, seed), in, false)) {
                            g.add(t.toDoubleArray());
                        }
                        return g;
                    }
                }, x, v, FiniteDifferences.STEP);
                for (int i = 0; i < x.size(); i++) {
                    Tolerance.finiteDifferences().assertClose(c + " Hessian-vector product " + i, analytic.get(i),
                            numeric.get(i));
                }
            }
        });
    }

    @Test
    void softmaxRegressionHessianVectorProductMatchesAnalyticForm() {
        int n = 6;
        int d = 4;
        int k = 3;
        Random rng = new Random(11);
        double[] x = OpCase.Inputs.NORMAL.draw(rng, n * d);
        double[] w = OpCase.Inputs.NORMAL.draw(rng, d * k);
        double[] v = OpCase.Inputs.NORMAL.draw(rng, d * k);
        int[] labels = {0, 2, 1, 1, 0, 2};
        double[] analytic = AnalyticForms.softmaxRegressionHvp(x, w, v, labels, n, d, k);
        try (Engine e = new Engine(backend(), DType.FLOAT64); Scope s = e.scope()) {
            Tensor wt = e.constant(w, Shape.of(d, k));
            Tensor loss = e.mean(e.softmaxCrossEntropy(e.matmul(e.constant(x, Shape.of(n, d)), wt), labels));
            double[] hvp = e.hvp(loss, List.of(wt), List.of(e.constant(v, Shape.of(d, k))), false).get(0)
                    .toDoubleArray();
            new Tolerance(1e-12, 1e-10).assertClose("softmax regression Hessian-vector product", hvp, analytic);
        }
    }

    @Test
    void perWeightL2MixedDerivativeMatchesAnalyticForm() {
        int n = 5;
        int d = 4;
        int k = 3;
        Random rng = new Random(12);
        double[] x = OpCase.Inputs.NORMAL.draw(rng, n * d);
        double[] w = OpCase.Inputs.NORMAL.draw(rng, d * k);
        double[] v = OpCase.Inputs.NORMAL.draw(rng, d * k);
        double[] lambda = OpCase.Inputs.POSITIVE.draw(rng, d * k);
        int[] labels = {0, 2, 1, 1, 0};
        try (Engine e = new Engine(backend(), DType.FLOAT64); Scope s = e.scope()) {
            Tensor wt = e.constant(w, Shape.of(d, k));
            Tensor lt = e.constant(lambda, Shape.of(d, k));
            Tensor data = e.mean(e.softmaxCrossEntropy(e.matmul(e.constant(x, Shape.of(n, d)), wt), labels));
            Tensor loss = e.add(data, e.mul(e.sum(e.mul(lt, e.square(wt))), 0.5));
            double[] mixed = e.mixedHvp(loss, List.of(wt), List.of(e.constant(v, Shape.of(d, k))), List.of(lt), false)
                    .get(0).toDoubleArray();
            // L = data(w) + ½ Σ λ_j w_j²  ⇒  ∂²L/∂λ_j∂w_i = δ_ij w_j, so (∂²L/∂λ∂w)·v = w ⊙ v
            double[] expected = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                expected[i] = w[i] * v[i];
            }
            new Tolerance(1e-12, 1e-10).assertClose("per-weight L2 mixed derivative", mixed, expected);
        }
    }

    @Test
    void jvpMatchesTransposeOfVjp() {
        Random rng = new Random(13);
        double[] a = OpCase.Inputs.NORMAL.draw(rng, 12);
        double[] t = OpCase.Inputs.NORMAL.draw(rng, 12);
        double[] u = OpCase.Inputs.NORMAL.draw(rng, 15);
        double[] b = OpCase.Inputs.NORMAL.draw(rng, 20);
        try (Engine e = new Engine(backend(), DType.FLOAT64); Scope s = e.scope()) {
            Tensor x = e.constant(a, Shape.of(3, 4));
            Tensor y = e.tanh(e.matmul(e.square(x), e.constant(b, Shape.of(4, 5))));
            Tensor jv = e.jvp(List.of(y), List.of(x), List.of(e.constant(t, Shape.of(3, 4))), false).get(0);
            Tensor vj = e.vjp(List.of(y), List.of(x), List.of(e.constant(u, Shape.of(3, 5))), false).get(0);
            // <u, J t> = <Jᵀ u, t>
            double left = dot(u, jv.toDoubleArray());
            double right = dot(vj.toDoubleArray(), t);
            assertTrue(Math.abs(left - right) <= 1e-12 + 1e-12 * Math.abs(right), left + " vs " + right);
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void closingAScopeFreesEverythingItAdded() {
        try (Engine e = new Engine(backend(), DType.FLOAT64)) {
            Tensor kept = e.scalar(1.0);
            MemoryStats before = e.memory();
            List<OpCase> cases = OpCatalog.all();
            try (Scope s = e.scope()) {
                for (int i = 0; i < cases.size(); i++) {
                    OpCase c = cases.get(i);
                    List<Tensor> in = constants(e, c, draw(c, i), DType.FLOAT64);
                    Tensor y = c.function().apply(e, in);
                    if (c.differentiable()) {
                        Tensor obj = objective(e, c, in, i);
                        e.grad(obj, in, true);
                        e.hvp(obj, in, in, false);
                    }
                    y.detach();
                }
                assertTrue(e.memory().liveBytes() > before.liveBytes(), "the workload allocated nothing");
            }
            MemoryStats after = e.memory();
            assertEquals(before.liveTensors(), after.liveTensors(), "live tensors after the scope closed");
            assertEquals(before.liveArrays(), after.liveArrays(), "live arrays after the scope closed");
            assertEquals(before.liveBytes(), after.liveBytes(), "native bytes after the scope closed");
            assertEquals(1.0, kept.item(), "a tensor of the parent scope survives");
        }
    }

    @Test
    void keptTensorSurvivesItsScopeAndOthersAreClosed() {
        try (Engine e = new Engine(backend(), DType.FLOAT64)) {
            Tensor kept;
            Tensor dropped;
            try (Scope s = e.scope()) {
                Tensor x = e.constant(new double[] {1, 2, 3}, Shape.of(3));
                dropped = e.exp(x);
                kept = s.keep(e.sum(e.square(x)));
            }
            assertEquals(14.0, kept.item(), 1e-12);
            assertTrue(!dropped.isOpen());
            IllegalStateException err = assertThrows(IllegalStateException.class, dropped::toDoubleArray);
            assertTrue(err.getMessage().contains("closed"), err.getMessage());
        }
    }
}
