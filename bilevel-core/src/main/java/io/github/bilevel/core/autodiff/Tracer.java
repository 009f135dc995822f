package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.compile.RegionCache;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The tracing state of one {@link Engine}: the ids that order recorded tensors, the scope tree that owns them, whether
 * this thread records, the memory account and the cached tensors.
 */
final class Tracer {
    private final Engine engine;
    private final MemoryAccount account = new MemoryAccount();
    private final AtomicLong ids = new AtomicLong();
    private final ScopeImpl root;
    private final ThreadLocal<ScopeImpl> current = new ThreadLocal<>();
    private final ThreadLocal<int[]> noRecord = ThreadLocal.withInitial(() -> new int[1]);
    private final Map<Object, Tensor> cache = new ConcurrentHashMap<>();

    Tracer(Engine engine) {
        this.engine = engine;
        this.root = new ScopeImpl(engine, null);
    }

    MemoryAccount account() {
        return account;
    }

    void clearCache() {
        cache.clear();
    }

    /** Closes every tensor still owned by the root scope. */
    void closeRoot() {
        root.close();
    }

    private ScopeImpl currentScope() {
        ScopeImpl s = current.get();
        return s == null ? root : s;
    }

    TracedTensor wrap(Buffer buffer, Op op, TracedTensor[] inputs) {
        TracedTensor t = new TracedTensor(engine, buffer, op, inputs, ids.incrementAndGet());
        account.tensorOpened();
        currentScope().adopt(t);
        return t;
    }

    TracedTensor leaf(NdArray array) {
        return wrap(new Buffer(array, account), null, new TracedTensor[0]);
    }

    /** Runs {@code op} on the inputs and records it unless recording is off on this thread or the op has no derivative. */
    TracedTensor apply(Op op, Backend kernels, Tensor... inputs) {
        TracedTensor[] ins = new TracedTensor[inputs.length];
        NdArray[] arrays = new NdArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            ins[i] = own(inputs[i]);
            arrays[i] = ins[i].array();
        }
        NdArray result = op.forward(kernels, arrays);
        boolean record = noRecord.get()[0] == 0 && op.differentiable();
        return wrap(new Buffer(result, account), record ? op : null, record ? ins : new TracedTensor[0]);
    }

    TracedTensor own(Tensor t) {
        Objects.requireNonNull(t, "tensor");
        if (!(t instanceof TracedTensor tt) || tt.ops() != engine) {
            throw new IllegalArgumentException("Tensor " + t + " belongs to another Ops instance; "
                    + "tensors from different engines cannot be combined");
        }
        return tt;
    }

    /** Runs {@code body} with recording switched off on this thread: results carry no history. */
    <T> T withoutRecording(Supplier<T> body) {
        int[] depth = noRecord.get();
        depth[0]++;
        try {
            return body.get();
        } finally {
            depth[0]--;
        }
    }

    void tensorClosed() {
        account.tensorClosed();
    }

    void scopeClosed(ScopeImpl scope, Thread thread) {
        if (thread != Thread.currentThread()) {
            throw new IllegalStateException("A scope must be closed on the thread that opened it");
        }
        if (current.get() != scope) {
            throw new IllegalStateException("Scopes must be closed in reverse order of opening");
        }
        current.set(scope.parent == root ? null : scope.parent);
    }

    Scope scope() {
        ScopeImpl s = new ScopeImpl(engine, currentScope());
        current.set(s);
        return s;
    }

    /** {@link io.github.bilevel.api.tensor.Ops#cached}: made once, outside any scope and compiled region. */
    Tensor cached(Object key, Supplier<Tensor> factory, RegionCache regions) {
        Tensor t = cache.get(key);
        if (t != null && t.isOpen()) {
            return t;
        }
        synchronized (cache) {
            t = cache.get(key);
            if (t != null && t.isOpen()) {
                return t;
            }
            ScopeImpl saved = current.get();
            Backend savedKernels = regions.regionKernels();
            current.set(null);
            regions.restoreRegionKernels(null); // a cached tensor is made for good, outside any compiled region
            try {
                t = own(withoutRecording(factory));
            } finally {
                current.set(saved);
                regions.restoreRegionKernels(savedKernels);
            }
            if (((TracedTensor) t).owner != root) {
                throw new IllegalStateException("The factory for cached key " + key + " returned a tensor it did not "
                        + "create; create the tensor inside the factory");
            }
            cache.put(key, t);
            return t;
        }
    }
}
