package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.KernelGraph.Signature;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;

/** A value of a replayed run: its shape and record id; its numbers live in the replayer until read. */
final class Placeholder implements NdArray {
    final Replayer owner;
    final int id;
    private final Signature signature;
    private boolean closed;

    Placeholder(Replayer owner, int id, Signature signature) {
        this.owner = owner;
        this.id = id;
        this.signature = signature;
        owner.openPlaceholders++;
    }

    @Override
    public Shape shape() {
        return signature.shape();
    }

    @Override
    public DType dtype() {
        return signature.dtype();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owner.openPlaceholders--;
        }
    }
}
