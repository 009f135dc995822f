package io.github.bilevel.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.KernelGraph.Kernel;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.Engine;
import io.github.bilevel.core.autodiff.graph.GraphExecution;
import io.github.bilevel.core.autodiff.graph.GraphPasses;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.testkit.OpCase;
import io.github.bilevel.testkit.OpCatalog;
import io.github.bilevel.testkit.Tolerance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * A compiled graph computes what the graph computes one kernel at a time: {@code compile(g).run(x)} against
 * {@code g.evaluate(backend, x)} on this backend (float64: atol and rtol 1e-12) and against the pure-Java reference
 * backend (the conformance tolerances). The graphs are written by hand, covering every kernel and the corner cases of
 * a run (an input as output, an output listed twice, an unused input), and recorded from the engine: the value,
 * gradient and Hessian-vector product of every case of the operation catalog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompiledGraphTest {
    private static final Tolerance SAME_BACKEND = new Tolerance(1e-12, 1e-12);
    private Backend backend;
    private GraphCompiler compiler;
    private final Backend reference = new ReferenceBackend();

    @BeforeAll
    void open() {
        backend = new TensorFlowBackendProvider().create(BackendConfig.defaults());
        // as the core runs it: each graph transformed as the compiler's policy asks, then compiled
        compiler = GraphExecution.of(backend, backend.capability(GraphCompiler.class).orElseThrow());
    }

    @AfterAll
    void close() {
        backend.close();
    }

    // ---- running a graph three ways ---------------------------------------------------------------------------

    private static List<NdArray> feed(Backend b, KernelGraph g, List<double[]> values) {
        List<NdArray> in = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            KernelGraph.Signature s = g.inputs().get(i);
            in.add(b.fromDoubles(values.get(i), s.shape(), s.dtype()));
        }
        return in;
    }

    /** Reads the outputs and closes every array of the run once (outputs may repeat or be inputs). */
    private static List<double[]> read(Backend b, List<NdArray> inputs, List<NdArray> outputs) {
        List<double[]> values = new ArrayList<>();
        Set<NdArray> toClose = Collections.newSetFromMap(new IdentityHashMap<>());
        for (NdArray o : outputs) {
            values.add(b.toDoubles(o));
            toClose.add(o);
        }
        toClose.addAll(inputs);
        toClose.forEach(NdArray::close);
        return values;
    }

    private static List<double[]> evaluate(Backend b, KernelGraph g, List<double[]> values) {
        List<NdArray> in = feed(b, g, values);
        return read(b, in, g.evaluate(b, in));
    }

    private List<double[]> compiled(KernelGraph g, List<double[]> values) {
        try (GraphCompiler.Compiled c = compiler.compile(g)) {
            List<NdArray> in = feed(backend, g, values);
            return read(backend, in, c.run(in));
        }
    }

    /**
     * Compiled against one kernel at a time on this backend, and against the reference backend.
     *
     * @param oracle tolerance against the reference backend
     */
    private void check(String what, KernelGraph g, List<double[]> inputs, Tolerance oracle) {
        List<double[]> compiled = compiled(g, inputs);
        List<double[]> eager = evaluate(backend, g, inputs);
        List<double[]> expected = evaluate(reference, g, inputs);
        assertEquals(g.outputs().length, compiled.size(), what + ": outputs");
        boolean float64 = g.inputs().stream().allMatch(s -> s.dtype() == DType.FLOAT64);
        // In float32, TensorFlow may fuse or reorder a compiled graph's float kernels; float64 holds 1e-12.
        Tolerance same = float64 ? SAME_BACKEND : new Tolerance(1e-6, 1e-5);
        for (int i = 0; i < compiled.size(); i++) {
            String name = what + " output " + i + " (node " + g.outputs()[i] + ")";
            same.assertClose(name + ", compiled vs one kernel at a time", compiled.get(i), eager.get(i));
            oracle.assertClose(name + ", compiled vs reference", compiled.get(i), expected.get(i));
        }
    }

    // ---- graphs written by hand -------------------------------------------------------------------------------

    private static double[] draw(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5 + rng.nextDouble() * (rng.nextBoolean() ? 1 : -1);
        }
        return v;
    }

    /** Every kernel, each transpose of matmul, repeated rows, and an input that is also an output. */
    private static RecordingBackend everyKernel(DType dtype) {
        Random rng = new Random(5);
        RecordingBackend r = new RecordingBackend(new ReferenceBackend());
        r.recordInputs(true);
        NdArray a = r.fromDoubles(draw(rng, 12), Shape.of(3, 4), dtype);
        NdArray b = r.fromDoubles(draw(rng, 20), Shape.of(4, 5), dtype);
        NdArray x = r.fromDoubles(draw(rng, 2 * 3 * 5 * 5), Shape.of(2, 3, 5, 5), dtype);
        NdArray w = r.fromDoubles(draw(rng, 4 * 3 * 3 * 3), Shape.of(4, 3, 3, 3), dtype);
        r.fromDoubles(draw(rng, 2), Shape.of(2), dtype); // an input no call reads
        r.recordInputs(false);

        List<NdArray> out = new ArrayList<>();
        NdArray positive = r.unary(UnaryKernel.ABS, a);
        for (UnaryKernel k : UnaryKernel.values()) {
            out.add(r.unary(k, k == UnaryKernel.LOG || k == UnaryKernel.SQRT ? positive : a));
        }
        NdArray c = r.fromDoubles(draw(rng, 12), Shape.of(3, 4), dtype);
        for (BinaryKernel k : BinaryKernel.values()) {
            out.add(r.binary(k, k == BinaryKernel.POW ? positive : a, k == BinaryKernel.EQUAL ? a : c));
        }
        NdArray mask = r.binary(BinaryKernel.GREATER, a, c);
        out.add(r.select(mask, a, c));
        NdArray bt = r.permute(b, new int[] {1, 0});
        NdArray at = r.permute(a, new int[] {1, 0});
        out.add(r.matmul(a, b, false, false));
        out.add(r.matmul(at, b, true, false));
        out.add(r.matmul(a, bt, false, true));
        out.add(r.matmul(at, bt, true, true));
        out.add(r.cast(r.cast(a, DType.FLOAT32), DType.FLOAT64));
        out.add(r.reshape(a, Shape.of(2, 6)));
        out.add(r.reshape(r.reduceSum(a, new int[] {0, 1}, true), Shape.scalar()));
        out.add(r.permute(x, new int[] {3, 1, 0, 2}));
        out.add(r.broadcastTo(r.reshape(r.slice(a, new int[] {0, 0}, new int[] {3, 1}), Shape.of(1, 3, 1)),
                Shape.of(2, 3, 4)));
        out.add(r.concat(List.of(a, c, positive), 0));
        out.add(r.concat(List.of(a, r.full(Shape.of(3, 2), 0.25, dtype)), 1));
        out.add(r.slice(x, new int[] {1, 0, 2, 1}, new int[] {1, 3, 2, 4}));
        out.add(r.pad(a, new int[] {1, 0}, new int[] {2, 3}));
        int[] rows = {2, 0, 2, 1, 2};
        NdArray gathered = r.gatherRows(a, rows);
        out.add(gathered);
        out.add(r.scatterAddRows(gathered, rows, 4));
        out.add(r.reduceSum(x, new int[] {0, 2, 3}, false));
        out.add(r.reduceSum(x, new int[] {1}, true));
        out.add(r.reduceMax(a, 1, false));
        out.add(r.reduceMax(x, 0, true));
        for (Conv2dSpec spec : List.of(new Conv2dSpec(1, 1, 1, 1), new Conv2dSpec(2, 2, 1, 0), new Conv2dSpec(2, 1, 0, 0))) {
            NdArray y = r.conv2d(x, w, spec);
            out.add(y);
            out.add(r.conv2dBackpropInput(x.shape(), w, y, spec));
            out.add(r.conv2dBackpropFilter(x, w.shape(), y, spec));
        }
        for (NdArray o : out) {
            r.toDoubles(o);
        }
        r.toDoubles(a); // an input as output
        r.toDoubles(out.get(0)); // an output listed twice
        return r;
    }

    /**
     * Products that share their left operand, which the compiler merges into one wider product
     * (the core's {@link GraphPasses#withMergedProducts}, as the compiler's policy asks): with each transposition, with a reader of the first product between
     * the two, and with a product that needs another (not merged).
     */
    private static RecordingBackend sharedLeftOperands(DType dtype) {
        Random rng = new Random(8);
        RecordingBackend r = new RecordingBackend(new ReferenceBackend());
        r.recordInputs(true);
        // the data large enough for the compiler to merge (GraphPolicy.MERGE_MIN_LEFT_ELEMENTS)
        NdArray x = r.fromDoubles(draw(rng, 300 * 256), Shape.of(300, 256), dtype);
        NdArray w = r.fromDoubles(draw(rng, 256 * 3), Shape.of(256, 3), dtype);
        NdArray v = r.fromDoubles(draw(rng, 256 * 2), Shape.of(256, 2), dtype);
        NdArray g = r.fromDoubles(draw(rng, 300 * 3), Shape.of(300, 3), dtype);
        r.recordInputs(false);
        List<NdArray> out = new ArrayList<>();
        NdArray z = r.matmul(x, w, false, false);
        NdArray e = r.unary(UnaryKernel.TANH, z);
        out.add(e);
        out.add(r.matmul(x, v, false, false));
        out.add(r.matmul(x, r.permute(w, new int[] {1, 0}), false, true));
        out.add(r.matmul(x, r.permute(v, new int[] {1, 0}), false, true));
        out.add(r.matmul(x, g, true, false));
        out.add(r.matmul(x, e, true, false));
        out.add(r.matmul(x, r.unary(UnaryKernel.TANH, r.matmul(x, e, true, false)), false, false));
        for (NdArray o : out) {
            r.toDoubles(o);
        }
        return r;
    }

    @Test
    void productsSharingTheirLeftOperandAreMergedAndStayRight() {
        // float64: sums of 256 products in float32 are too coarse for the oracle's tolerance, merged or not
        RecordingBackend r = sharedLeftOperands(DType.FLOAT64);
        KernelGraph g = r.graph();
        long products = g.calls().stream().filter(c -> c.kernel() == KernelGraph.Kernel.MATMUL).count();
        long merged = GraphPasses.forPolicy(g, compiler.policy()).calls().stream()
                .filter(c -> c.kernel() == KernelGraph.Kernel.MATMUL).count();
        assertTrue(merged < products, "the graph has products to merge: " + merged + " of " + products);
        check("shared left operands", g, r.inputValues(), Tolerance.oracle(DType.FLOAT64));
    }

    @Test
    void everyKernelByHandInFloat64() {
        RecordingBackend r = everyKernel(DType.FLOAT64);
        check("every kernel", r.graph(), r.inputValues(), Tolerance.oracle(DType.FLOAT64));
    }

    @Test
    void everyKernelByHandInFloat32() {
        RecordingBackend r = everyKernel(DType.FLOAT32);
        check("every kernel (float32)", r.graph(), r.inputValues(), Tolerance.oracle(DType.FLOAT32));
    }

    // ---- graphs recorded from the engine ----------------------------------------------------------------------

    /** The conformance suite's objective {@code Σ c⊙f + ½ Σ d⊙f²}, whose Hessian involves f's second derivative. */
    private static Tensor objective(Ops ops, Tensor f, Random rng) {
        int n = (int) f.size();
        Tensor cw = ops.constant(OpCase.Inputs.NORMAL.draw(rng, n), f.shape(), f.dtype());
        Tensor dw = ops.constant(OpCase.Inputs.NORMAL.draw(rng, n), f.shape(), f.dtype());
        return ops.add(ops.sum(ops.mul(cw, f)), ops.mul(ops.sum(ops.mul(dw, ops.square(f))), 0.5));
    }

    /**
     * Records the engine computing a catalog case's value and, where differentiable, the gradient of its objective
     * and (in float64) a Hessian-vector product.
     */
    private static RecordingBackend record(OpCase c, DType dtype, long seed) {
        RecordingBackend r = new RecordingBackend(new ReferenceBackend());
        Random rng = new Random(seed);
        try (Engine e = new Engine(r, dtype); Scope s = e.scope()) {
            r.recordInputs(true);
            List<Tensor> in = new ArrayList<>();
            for (int i = 0; i < c.shapes().size(); i++) {
                Shape shape = c.shapes().get(i);
                in.add(e.constant(c.inputs().get(i).draw(rng, (int) shape.size()), shape, dtype));
            }
            r.recordInputs(false);
            c.function().apply(e, in).toDoubleArray();
            if (c.differentiable()) {
                Tensor obj = objective(e, c.function().apply(e, in), rng);
                for (Tensor g : e.grad(obj, in, false)) {
                    g.toDoubleArray();
                }
                if (dtype == DType.FLOAT64) {
                    List<Tensor> v = new ArrayList<>();
                    for (Tensor t : in) {
                        v.add(e.constant(OpCase.Inputs.NORMAL.draw(rng, (int) t.size()), t.shape(), dtype));
                    }
                    for (Tensor h : e.hvp(obj, in, v, false)) {
                        h.toDoubleArray();
                    }
                }
            }
        }
        return r;
    }

    private Stream<DynamicTest> catalog(DType dtype, Tolerance oracle) {
        List<OpCase> cases = OpCatalog.all();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            OpCase c = cases.get(i);
            long seed = 31L * i + c.name().hashCode();
            tests.add(DynamicTest.dynamicTest(dtype + " " + c, () -> {
                RecordingBackend r = record(c, dtype, seed);
                check(c.toString(), r.graph(), r.inputValues(), oracle);
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> catalogValueGradientAndHvpInFloat64() {
        return catalog(DType.FLOAT64, Tolerance.oracle(DType.FLOAT64));
    }

    @TestFactory
    Stream<DynamicTest> catalogValueAndGradientInFloat32() {
        // the conformance suite's tolerance for float32 gradients, which chain several rounded kernels
        return catalog(DType.FLOAT32, new Tolerance(1e-5, 1e-4));
    }

    @Test
    void theGraphsCoverEveryKernel() {
        Set<Kernel> seen = EnumSet.noneOf(Kernel.class);
        for (KernelGraph.Call c : everyKernel(DType.FLOAT64).graph().calls()) {
            seen.add(c.kernel());
        }
        assertEquals(EnumSet.allOf(Kernel.class), seen, "kernels of the hand-written graph");
        Set<Kernel> recorded = EnumSet.noneOf(Kernel.class);
        List<OpCase> cases = OpCatalog.all();
        for (int i = 0; i < cases.size(); i++) {
            for (KernelGraph.Call c : record(cases.get(i), DType.FLOAT64, i).graph().calls()) {
                recorded.add(c.kernel());
            }
        }
        assertEquals(EnumSet.allOf(Kernel.class), recorded, "kernels recorded from the catalog");
    }

    // ---- runs -------------------------------------------------------------------------------------------------

    private static KernelGraph small() {
        RecordingBackend r = new RecordingBackend(new ReferenceBackend());
        r.recordInputs(true);
        NdArray a = r.fromDoubles(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3), DType.FLOAT64);
        r.recordInputs(false);
        r.toDoubles(r.unary(UnaryKernel.EXP, r.reduceSum(a, new int[] {1}, false)));
        return r.graph();
    }

    @Test
    void everyRunReturnsNewArraysTheCallerOwns() {
        KernelGraph g = small();
        try (GraphCompiler.Compiled c = compiler.compile(g);
             NdArray in = backend.fromDoubles(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3), DType.FLOAT64)) {
            NdArray first = c.run(List.of(in)).get(0);
            double[] firstValues = backend.toDoubles(first);
            first.close();
            first.close(); // idempotent
            NdArray second = c.run(List.of(in)).get(0);
            assertNotSame(first, second);
            assertEquals(Math.exp(6), firstValues[0], 1e-12 * Math.exp(6));
            assertEquals(Math.exp(15), firstValues[1], 1e-12 * Math.exp(15));
            assertEquals(firstValues[1], backend.toDoubles(second)[1]);
            assertEquals(6.0, backend.toDoubles(in)[5], "the input is left alone");
            second.close();
        }
    }

    @Test
    void badInputsAreRejectedWithTheirSignature() {
        try (GraphCompiler.Compiled c = compiler.compile(small());
             NdArray wrongShape = backend.fromDoubles(new double[6], Shape.of(3, 2), DType.FLOAT64);
             NdArray wrongType = backend.fromDoubles(new double[6], Shape.of(2, 3), DType.FLOAT32)) {
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> c.run(List.of()));
            assertTrue(count.getMessage().contains("takes 1 inputs, got 0"), count.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> c.run(List.of(wrongShape)));
            assertTrue(shape.getMessage().contains("float64[3, 2]") && shape.getMessage().contains("float64[2, 3]"),
                    shape.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.run(List.of(wrongType)));
            NdArray foreign = reference.fromDoubles(new double[6], Shape.of(2, 3), DType.FLOAT64);
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                    () -> c.run(List.of(foreign)));
            assertTrue(other.getMessage().contains("did not create"), other.getMessage());
        }
    }

    @Test
    void aCallWhoseRecordedResultDisagreesFailsAtCompileTime() {
        KernelGraph.Signature in = new KernelGraph.Signature(Shape.of(2, 3), DType.FLOAT64);
        KernelGraph.Call wrong = new KernelGraph.Call(new KernelAttributes.ReduceSum(new int[] {1}, false),
                new int[] {0}, new KernelGraph.Signature(Shape.of(3), DType.FLOAT64));
        KernelGraph g = new KernelGraph(List.of(in), List.of(wrong), new int[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compiler.compile(g));
        assertTrue(e.getMessage().contains("REDUCE_SUM") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void aClosedGraphCannotRun() {
        GraphCompiler.Compiled c = compiler.compile(small());
        c.close();
        c.close();
        try (NdArray in = backend.fromDoubles(new double[6], Shape.of(2, 3), DType.FLOAT64)) {
            assertThrows(IllegalStateException.class, () -> c.run(List.of(in)));
        }
    }

    @Test
    void closingTheBackendClosesItsCompiledGraphs() {
        Backend other = new TensorFlowBackendProvider().create(BackendConfig.defaults());
        GraphCompiler.Compiled c = other.capability(GraphCompiler.class).orElseThrow().compile(small());
        NdArray in = other.fromDoubles(new double[6], Shape.of(2, 3), DType.FLOAT64);
        other.close();
        assertThrows(IllegalStateException.class, () -> c.run(List.of(in)));
        assertThrows(IllegalStateException.class, () -> other.capability(GraphCompiler.class).orElseThrow()
                .compile(small()));
        assertEquals(0.0, other.toDoubles(in)[0], "arrays outlive their backend until closed");
        in.close();
        c.close();
    }
}
