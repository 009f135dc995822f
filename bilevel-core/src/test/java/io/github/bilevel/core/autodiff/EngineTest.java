package io.github.bilevel.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour of the tracing engine beyond single-op derivatives (those are in the testkit's conformance suite). */
class EngineTest {
    private final Engine e = new Engine(new ReferenceBackend(), DType.FLOAT64);

    @Test
    void thirdDerivativeOfACubic() {
        Tensor x = e.scalar(2.0);
        Tensor y = e.mul(e.pow(x, 3.0), 1.0);
        Tensor d1 = e.grad(y, List.of(x), true).get(0);
        Tensor d2 = e.grad(d1, List.of(x), true).get(0);
        Tensor d3 = e.grad(d2, List.of(x), false).get(0);
        assertEquals(12.0, d1.item(), 1e-12);
        assertEquals(12.0, d2.item(), 1e-12);
        assertEquals(6.0, d3.item(), 1e-12);
    }

    @Test
    void gradientOfAnUnrelatedInputIsZero() {
        Tensor x = e.constant(new double[] {1, 2}, Shape.of(2));
        Tensor z = e.constant(new double[] {3, 4, 5}, Shape.of(3));
        Tensor y = e.sum(e.square(x));
        assertArrayEquals(new double[] {0, 0, 0}, e.grad(y, List.of(z), false).get(0).toDoubleArray());
    }

    @Test
    void gradientWithoutGraphCarriesNoHistory() {
        Tensor x = e.scalar(1.5);
        Tensor g = e.grad(e.exp(x), List.of(x), false).get(0);
        assertEquals(0.0, e.grad(g, List.of(x), false).get(0).item(), 0.0);
    }

    @Test
    void detachStopsDerivatives() {
        Tensor x = e.scalar(3.0);
        Tensor y = e.mul(x, x.detach());
        assertEquals(3.0, e.grad(y, List.of(x), false).get(0).item(), 1e-15);
    }

    @Test
    void deepGraphsNeedNoRecursion() {
        Tensor x = e.scalar(1.0);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = e.add(y, x);
        }
        assertEquals(20_001.0, e.grad(y, List.of(x), false).get(0).item(), 0.0);
    }

    @Test
    void badInputsGiveMessagesThatQuoteTheShapes() {
        Tensor a = e.constant(new double[6], Shape.of(2, 3));
        Tensor b = e.constant(new double[6], Shape.of(2, 3));
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> e.matmul(a, b));
        assertTrue(m.getMessage().contains("[2, 3]"), m.getMessage());
        IllegalArgumentException bc = assertThrows(IllegalArgumentException.class,
                () -> e.add(a, e.constant(new double[4], Shape.of(4))));
        assertEquals("Shapes [2, 3] and [4] cannot be broadcast together", bc.getMessage());
        Tensor f = e.constant(new double[6], Shape.of(2, 3), DType.FLOAT32);
        IllegalArgumentException dt = assertThrows(IllegalArgumentException.class, () -> e.add(a, f));
        assertTrue(dt.getMessage().contains("float64 and float32"), dt.getMessage());
        IllegalArgumentException lab = assertThrows(IllegalArgumentException.class,
                () -> e.softmaxCrossEntropy(a, new int[] {0, 3}));
        assertTrue(lab.getMessage().contains("Label 3 at position 1"), lab.getMessage());
    }

    @Test
    void tensorsFromAnotherEngineAreRejected() {
        Engine other = new Engine(new ReferenceBackend(), DType.FLOAT64);
        Tensor foreign = other.scalar(1);
        assertThrows(IllegalArgumentException.class, () -> e.add(e.scalar(1), foreign));
    }

    @Test
    void scopesNestAndMustCloseInOrder() {
        Scope outer = e.scope();
        Scope inner = e.scope();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }

    @Test
    void sharedBuffersAreFreedWithTheLastHolder() {
        long before = e.memory().liveArrays();
        try (Scope s = e.scope()) {
            Tensor x = e.scalar(2);
            Tensor y = x.detach();
            assertEquals(before + 1, e.memory().liveArrays());
            x.close();
            assertEquals(2.0, y.item(), 0.0);
            assertEquals(before + 1, e.memory().liveArrays());
        }
        assertEquals(before, e.memory().liveArrays());
    }

    @Test
    void cachedTensorsOutliveScopesAndAreCreatedOnce() {
        int[] made = {0};
        Tensor first;
        try (Scope s = e.scope()) {
            first = e.cached(List.of(this, "x"), () -> {
                made[0]++;
                return e.constant(new double[] {1, 2}, Shape.of(2));
            });
        }
        assertTrue(first.isOpen());
        assertEquals(first, e.cached(List.of(this, "x"), () -> {
            made[0]++;
            return e.scalar(0);
        }));
        assertEquals(1, made[0]);
        e.close();
        assertTrue(!first.isOpen());
    }
}
