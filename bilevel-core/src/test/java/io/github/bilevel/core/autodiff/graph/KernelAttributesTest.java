package io.github.bilevel.core.autodiff.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph;
import io.github.bilevel.api.spi.KernelGraph.Kernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Typed attributes compare by content, which the compiled-segment cache (ADR 0012) relies on. */
class KernelAttributesTest {

    @Test
    void arraysCompareByContentAndAreCopied() {
        int[] begin = {0, 1};
        KernelAttributes.Slice a = new KernelAttributes.Slice(begin, new int[] {2, 2});
        KernelAttributes.Slice b = new KernelAttributes.Slice(new int[] {0, 1}, new int[] {2, 2});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        begin[1] = 7;
        assertEquals(a, b, "the record holds its own copy");
        assertNotEquals(a, new KernelAttributes.Slice(new int[] {0, 1}, new int[] {2, 3}));
        assertNotEquals(new KernelAttributes.ReduceSum(new int[] {1}, true),
                new KernelAttributes.ReduceSum(new int[] {1}, false));
        assertEquals(new KernelAttributes.FromDoubles(new double[] {1, 2}, Shape.of(2), DType.FLOAT64),
                new KernelAttributes.FromDoubles(new double[] {1, 2}, Shape.of(2), DType.FLOAT64));
    }

    @Test
    void doublesTellNegativeZeroApartAndKernelsFollowTheRecord() {
        assertNotEquals(new KernelAttributes.Full(Shape.scalar(), 0.0, DType.FLOAT64),
                new KernelAttributes.Full(Shape.scalar(), -0.0, DType.FLOAT64));
        assertEquals(new KernelAttributes.Full(Shape.scalar(), Double.NaN, DType.FLOAT64),
                new KernelAttributes.Full(Shape.scalar(), Double.NaN, DType.FLOAT64));
        assertSame(KernelAttributes.Matmul.of(true, false), KernelAttributes.Matmul.of(true, false));
        assertEquals(Kernel.MATMUL, KernelAttributes.Matmul.of(true, false).kernel());
        assertNotEquals(new KernelAttributes.Reshape(Shape.of(2, 3)), new KernelAttributes.BroadcastTo(Shape.of(2, 3)));
    }

    @Test
    void callsCompareByContent() {
        KernelGraph.Signature s = new KernelGraph.Signature(Shape.of(2, 2), DType.FLOAT64);
        KernelGraph.Call a = new KernelGraph.Call(new KernelAttributes.Permute(new int[] {1, 0}), new int[] {0}, s);
        KernelGraph.Call b = new KernelGraph.Call(new KernelAttributes.Permute(new int[] {1, 0}), new int[] {0}, s);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, a.withArgs(new int[] {1}));
        assertEquals(Kernel.PERMUTE, a.kernel());
    }
}
