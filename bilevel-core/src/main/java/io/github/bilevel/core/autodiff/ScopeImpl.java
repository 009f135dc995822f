package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A node of the scope tree. Owned tensors are kept in a list; a tensor's {@code owner} field says which scope owns it
 * now, so {@link #keep} is O(1) and closing skips tensors that moved away.
 */
final class ScopeImpl implements Scope {
    private final Engine engine;
    final ScopeImpl parent;
    // Sized for a typical step of a model, so that a scope per inner step rarely grows its list.
    private final List<TracedTensor> owned = new ArrayList<>(64);
    private final Thread thread;
    private boolean closed;

    ScopeImpl(Engine engine, ScopeImpl parent) {
        this.engine = engine;
        this.parent = parent;
        this.thread = parent == null ? null : Thread.currentThread();
    }

    synchronized void adopt(TracedTensor t) {
        if (closed) {
            throw new IllegalStateException("Cannot create a tensor in a closed scope");
        }
        t.owner = this;
        owned.add(t);
    }

    @Override
    public <T extends Tensor> T keep(T tensor) {
        if (!(tensor instanceof TracedTensor t) || t.owner != this) {
            throw new IllegalArgumentException("keep() takes a tensor owned by this scope, got " + tensor);
        }
        if (parent == null) {
            return tensor;
        }
        parent.adopt(t);
        return tensor;
    }

    @Override
    public void close() {
        List<TracedTensor> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(owned);
            owned.clear();
        }
        for (TracedTensor t : toClose) {
            if (t.owner == this) {
                t.close();
            }
        }
        if (parent != null) {
            engine.tracer().scopeClosed(this, thread);
        }
    }
}
