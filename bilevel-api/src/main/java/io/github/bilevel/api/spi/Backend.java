package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The kernels a compute library supplies. The set is small and fixed; the core derives every other operation and
 * every derivative from it.
 *
 * <p>Contract for all kernels: inputs are never modified or closed; each result is a new array that owns its memory
 * (see {@link NdArray}); inputs of one call share a dtype (except {@link #cast}); shapes are validated by the core
 * before the call, so kernels may assume them consistent. Arrays passed in were created by this backend. A backend
 * is used from one or more threads; kernels must be safe to call concurrently on distinct arrays.
 */
@API(status = STABLE, since = "0.1")
public interface Backend extends AutoCloseable {

    /** The id of the provider that created it. */
    String id();

    // ---- data in and out --------------------------------------------------------------------------------------

    /** An array with the given row-major values; float32 arrays round each value to float. */
    NdArray fromDoubles(double[] values, Shape shape, DType dtype);

    /** A float32 array with the given row-major values. */
    NdArray fromFloats(float[] values, Shape shape);

    /** A copy of the values in row-major order. */
    double[] toDoubles(NdArray x);

    NdArray full(Shape shape, double value, DType dtype);

    NdArray cast(NdArray x, DType dtype);

    // ---- elementwise ------------------------------------------------------------------------------------------

    NdArray unary(UnaryKernel kernel, NdArray x);

    /** Both inputs have the same shape and dtype. */
    NdArray binary(BinaryKernel kernel, NdArray a, NdArray b);

    /** {@code condition != 0 ? a : b}; all three have the same shape and dtype. */
    NdArray select(NdArray condition, NdArray a, NdArray b);

    // ---- linear algebra and layout ----------------------------------------------------------------------------

    /** {@code op(a)·op(b)} for matrices, where op transposes when the flag is set. */
    NdArray matmul(NdArray a, NdArray b, boolean transposeA, boolean transposeB);

    NdArray reshape(NdArray x, Shape shape);

    /** Axis i of the result is axis {@code axes[i]} of x. */
    NdArray permute(NdArray x, int[] axes);

    /** x has the rank of {@code shape} and each of its axes equals the target's or is 1. */
    NdArray broadcastTo(NdArray x, Shape shape);

    NdArray concat(List<NdArray> xs, int axis);

    NdArray slice(NdArray x, int[] begin, int[] size);

    /** Zero padding. */
    NdArray pad(NdArray x, int[] before, int[] after);

    /** Rows of x (axis 0); indices are in range. */
    NdArray gatherRows(NdArray x, int[] indices);

    /** Zeros of {@code [rows, updates.shape[1:]]} with {@code updates[i]} added into row {@code indices[i]}. */
    NdArray scatterAddRows(NdArray updates, int[] indices, int rows);

    // ---- reductions -------------------------------------------------------------------------------------------

    /** Sum over the given distinct, sorted axes (non-empty). */
    NdArray reduceSum(NdArray x, int[] axes, boolean keepDims);

    NdArray reduceMax(NdArray x, int axis, boolean keepDims);

    // ---- convolution ------------------------------------------------------------------------------------------

    /** {@code x [n, c, h, w]}, {@code filter [o, c, kh, kw]} to {@code [n, o, oh, ow]}. */
    NdArray conv2d(NdArray x, NdArray filter, Conv2dSpec spec);

    /** Gradient of {@link #conv2d} with respect to its input, given the output gradient {@code dy}. */
    NdArray conv2dBackpropInput(Shape inputShape, NdArray filter, NdArray dy, Conv2dSpec spec);

    /** Gradient of {@link #conv2d} with respect to its filter, given the output gradient {@code dy}. */
    NdArray conv2dBackpropFilter(NdArray x, Shape filterShape, NdArray dy, Conv2dSpec spec);

    // ---- capabilities -----------------------------------------------------------------------------------------

    /** An optional feature, if this backend has it. Never null. */
    default <T extends Capability> Optional<T> capability(Class<T> type) {
        return Optional.empty();
    }

    /** Releases backend-wide resources. Arrays still open may no longer be used. Idempotent. */
    @Override
    void close();
}
