package io.github.bilevel.backend.nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * libnd4j custom ops run through one op and one context per op name and thread, reused from call to call. Building
 * an op and its context for every call (what {@code Nd4j.exec} does) costs 5–8 µs; on 50 × 10 arrays the op itself
 * costs about 3. The caller supplies the output array, so nothing is allocated here.
 */
final class PreparedOps implements AutoCloseable {
    /** An op, its context, and the arguments last set on it (set again only when they change). */
    private static final class Prepared {
        final DynamicCustomOp op;
        final OpContext context;
        long[] integers;
        boolean[] booleans;

        Prepared(DynamicCustomOp op, OpContext context) {
            this.op = op;
            this.context = context;
        }
    }

    private static final long[] NO_LONGS = new long[0];
    private static final boolean[] NO_BOOLEANS = new boolean[0];

    private final ThreadLocal<Map<String, Prepared>> perThread = ThreadLocal.withInitial(HashMap::new);
    private final Queue<OpContext> contexts = new ConcurrentLinkedQueue<>();

    /** Runs custom op {@code name} on {@code inputs} into {@code output}. */
    void exec(String name, INDArray output, INDArray... inputs) {
        exec(name, NO_LONGS, NO_BOOLEANS, output, inputs);
    }

    /** As {@link #exec(String, INDArray, INDArray...)}, with the op's integer and boolean arguments. */
    void exec(String name, long[] integers, boolean[] booleans, INDArray output, INDArray... inputs) {
        Prepared p = perThread.get().computeIfAbsent(name, n -> {
            OpContext context = Nd4j.getExecutioner().buildContext();
            contexts.add(context);
            return new Prepared(DynamicCustomOp.builder(n).build(), context);
        });
        OpContext c = p.context;
        if (!Arrays.equals(integers, p.integers)) {
            c.setIArguments(integers);
            p.integers = integers.clone();
        }
        if (!Arrays.equals(booleans, p.booleans)) {
            c.setBArguments(booleans);
            p.booleans = booleans.clone();
        }
        c.setInputArrays(inputs);
        c.setOutputArrays(output);
        try {
            Nd4j.getExecutioner().exec(p.op, c);
        } finally {
            // The context keeps native wrappers of every array set on it until purged: about 300 bytes a call.
            c.purge();
        }
    }

    /** Frees the contexts of every thread; the backend is not used afterwards. */
    @Override
    public void close() {
        for (OpContext c; (c = contexts.poll()) != null; ) {
            try {
                c.close();
            } catch (Exception e) {
                // a context that cannot be freed is left to the process's end
            }
        }
    }
}
