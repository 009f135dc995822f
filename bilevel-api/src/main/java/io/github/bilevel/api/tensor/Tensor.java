package io.github.bilevel.api.tensor;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A differentiable value: an n-dimensional array held by a backend, together with the operation that produced it.
 *
 * <p>Tensors are created by an {@link Ops} instance and every operation records itself, so derivatives of any order can
 * be taken later with {@link Ops#grad}, {@link Ops#vjp}, {@link Ops#jvp} and {@link Ops#hvp}. Operations on tensors
 * from different {@code Ops} instances, or of different dtypes, fail with an error naming both.
 *
 * <p>Memory: a tensor holds native memory until it is closed. The scope that was current when it was created closes
 * it (see {@link Scope}); {@link #close()} frees it earlier. Reading a closed tensor fails with
 * {@link IllegalStateException}. Tensors are not thread-safe for closing, but may be read from several threads.
 *
 * <p>The fluent methods are shorthands for the {@link Ops} methods of the same name.
 */
@API(status = STABLE, since = "0.1")
public interface Tensor extends AutoCloseable {

    /** The operations this tensor belongs to. Never null. */
    Ops ops();

    /** Never null. */
    Shape shape();

    /** Never null. */
    DType dtype();

    default int rank() {
        return shape().rank();
    }

    default long size() {
        return shape().size();
    }

    /** A copy of the values in row-major order, widened to double. */
    double[] toDoubleArray();

    /** The single value of a tensor with one element. */
    double item();

    /** True until {@link #close()} is called on this tensor or its owning scope closes. */
    boolean isOpen();

    /**
     * A tensor with the same values and no recorded history: derivatives do not flow through it. It shares the native
     * array with this tensor (reference-counted) and is owned by the current scope.
     */
    Tensor detach();

    /** Frees this tensor's hold on its native array. Idempotent. */
    @Override
    void close();

    // ---- fluent shorthands -------------------------------------------------------------------------------------

    default Tensor add(Tensor other) { return ops().add(this, other); }
    default Tensor add(double c) { return ops().add(this, c); }
    default Tensor sub(Tensor other) { return ops().sub(this, other); }
    default Tensor sub(double c) { return ops().sub(this, c); }
    default Tensor mul(Tensor other) { return ops().mul(this, other); }
    default Tensor mul(double c) { return ops().mul(this, c); }
    default Tensor div(Tensor other) { return ops().div(this, other); }
    default Tensor div(double c) { return ops().div(this, c); }
    default Tensor pow(Tensor exponent) { return ops().pow(this, exponent); }
    default Tensor pow(double exponent) { return ops().pow(this, exponent); }
    default Tensor neg() { return ops().neg(this); }
    default Tensor square() { return ops().square(this); }
    default Tensor sqrt() { return ops().sqrt(this); }
    default Tensor exp() { return ops().exp(this); }
    default Tensor log() { return ops().log(this); }
    default Tensor tanh() { return ops().tanh(this); }
    default Tensor sigmoid() { return ops().sigmoid(this); }
    default Tensor relu() { return ops().relu(this); }
    default Tensor softplus() { return ops().softplus(this); }
    default Tensor abs() { return ops().abs(this); }
    default Tensor matmul(Tensor other) { return ops().matmul(this, other); }
    default Tensor transpose() { return ops().transpose(this); }
    default Tensor reshape(int... shape) { return ops().reshape(this, Shape.of(shape)); }
    default Tensor sum() { return ops().sum(this); }
    default Tensor sum(int axis, boolean keepDims) { return ops().sum(this, new int[] {axis}, keepDims); }
    default Tensor mean() { return ops().mean(this); }
    default Tensor mean(int axis, boolean keepDims) { return ops().mean(this, new int[] {axis}, keepDims); }
    default Tensor max(int axis, boolean keepDims) { return ops().max(this, axis, keepDims); }
}
