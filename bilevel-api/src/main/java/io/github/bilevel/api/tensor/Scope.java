package io.github.bilevel.api.tensor;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A region that owns the tensors created on its thread while it is open, and frees them when it closes.
 *
 * <p>Scopes nest: {@link Ops#scope()} opens a child of the current scope. Closing a scope closes every tensor it still
 * owns, except those handed to the parent with {@link #keep(Tensor)}. Closing is idempotent. Scopes must be closed in
 * the reverse order of opening, on the thread that opened them; try-with-resources does both:
 *
 * <pre>{@code
 * Tensor loss;
 * try (Scope s = ops.scope()) {
 *     Tensor h = x.matmul(w).tanh();
 *     loss = s.keep(h.square().mean());
 * }   // h and the other intermediates are freed here; loss lives on in the parent scope
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface Scope extends AutoCloseable {
    /**
     * Moves {@code tensor} (and nothing else) to the parent scope, so it survives this scope's close.
     *
     * @return the same tensor, for chaining
     * @throws IllegalArgumentException if the tensor is not owned by this scope
     */
    <T extends Tensor> T keep(T tensor);

    /** Closes every tensor this scope still owns. Idempotent. */
    @Override
    void close();
}
