package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;

/**
 * A tensor recorded by an {@link Engine}: its value, and the operation and inputs that produced it (none for
 * constants and detached tensors). Ids grow with creation order, so sorting by id is a topological order.
 */
final class TracedTensor implements Tensor {
    private final Engine engine;
    private final Shape shape;
    private final DType dtype;
    private final Buffer buffer;
    final long id;
    final Op op;
    final TracedTensor[] inputs;
    ScopeImpl owner;
    private volatile boolean open = true;

    TracedTensor(Engine engine, Buffer buffer, Op op, TracedTensor[] inputs, long id) {
        this.engine = engine;
        this.buffer = buffer;
        this.shape = buffer.array().shape();
        this.dtype = buffer.array().dtype();
        this.op = op;
        this.inputs = inputs;
        this.id = id;
    }

    @Override
    public Ops ops() {
        return engine;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    NdArray array() {
        if (!open) {
            throw new IllegalStateException("Tensor " + shape + " " + dtype + " was closed (its scope ended). "
                    + "Use Scope.keep(tensor) to hand a result to the parent scope.");
        }
        return buffer.array();
    }

    Buffer buffer() {
        return buffer;
    }

    @Override
    public double[] toDoubleArray() {
        return engine.kernels().toDoubles(array());
    }

    @Override
    public double item() {
        if (shape.size() != 1) {
            throw new IllegalStateException("item() needs a tensor with one element, got shape " + shape);
        }
        return toDoubleArray()[0];
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Tensor detach() {
        array();
        return engine.tracer().wrap(buffer.retain(), null, new TracedTensor[0]);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        buffer.release();
        engine.tracer().tensorClosed();
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype + (op == null ? "" : " from " + op.name()) + (open ? "" : " (closed)");
    }
}
