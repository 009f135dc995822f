package io.github.bilevel.api.tensor;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import org.apiguardian.api.API;

/**
 * The differentiable operations models are written with, and the derivative transformations over them.
 *
 * <p>Every operation evaluates eagerly on the engine's backend and records itself (type, attributes, inputs), so
 * {@link #grad}, {@link #vjp}, {@link #jvp} and {@link #hvp} work to any order: each derivative rule is written with
 * these same operations.
 *
 * <p>Binary elementwise operations broadcast their inputs NumPy-style; the derivative with respect to a broadcast input
 * is summed back to its shape. Both inputs must have the same dtype. Results are owned by the current {@link Scope}.
 * No method returns null. Shapes in errors are printed as {@code [d0, d1, ...]}.
 *
 * <p>An {@code Ops} instance is safe to use from several threads; each thread has its own scope stack.
 */
@API(status = STABLE, since = "0.1")
public interface Ops {

    /** The dtype of tensors created from Java arrays and scalars when none is given. */
    DType defaultDType();

    // ---- creation ---------------------------------------------------------------------------------------------

    /** A tensor of {@link #defaultDType()} holding {@code values} (row-major) with the given shape. */
    Tensor constant(double[] values, Shape shape);

    /** A tensor of the given dtype holding {@code values} (row-major) with the given shape. */
    Tensor constant(double[] values, Shape shape, DType dtype);

    /** A float32 tensor holding {@code values} (row-major) with the given shape. */
    Tensor constant(float[] values, Shape shape);

    /** A rank-0 tensor of {@link #defaultDType()}. */
    Tensor scalar(double value);

    /** A tensor filled with {@code value}. */
    Tensor full(Shape shape, double value, DType dtype);

    default Tensor zeros(Shape shape, DType dtype) {
        return full(shape, 0.0, dtype);
    }

    default Tensor ones(Shape shape, DType dtype) {
        return full(shape, 1.0, dtype);
    }

    /** Zeros with the shape and dtype of {@code like}. */
    default Tensor zerosLike(Tensor like) {
        return full(like.shape(), 0.0, like.dtype());
    }

    /**
     * A tensor that lives as long as this {@code Ops} instance, created by {@code factory} the first time {@code key}
     * is asked for: for data every inner step uses (a design matrix, labels), so it is copied to the backend once,
     * not once per step. The factory runs without recording and outside any scope; it should create the tensor
     * directly (for example with {@link #constant}). Keys are compared with {@code equals}; a key should include the
     * owning object, for example {@code List.of(this, "train-x")}. Thread-safe.
     */
    Tensor cached(Object key, java.util.function.Supplier<Tensor> factory);

    /**
     * Runs {@code body}, compiled where the backend compiles graphs: the first run under {@code key} records its kernel
     * calls; later runs replay them as compiled segments, one native call between two reads of values back to Java.
     * A later run that makes other calls than the recorded one is detected and recorded afresh. The body may depend on
     * tensor values only through what it reads back ({@link Tensor#toDoubleArray()}, {@link Tensor#item()}) and must
     * not keep tensors it creates after it returns. Without a compiling backend this is {@code body.get()}.
     */
    default <T> T compiled(Object key, java.util.function.Supplier<T> body) {
        return body.get();
    }

    /**
     * Compiles {@code body}, a pure function of its input tensors: where the backend compiles graphs, the first
     * application to inputs of given shapes and dtypes runs the body once and records it, and each later application
     * with inputs of those signatures runs the recorded graph directly, without running the body's Java code (the
     * costly part of a small step: tracing, differentiation). Unlike {@link #compiled}, the body may not read values
     * back (its control flow must not depend on them). What it uses besides its inputs is fixed at the recording: tensors
     * from outside (captured by reference: keep them open while the function is used) and constants it makes from Java
     * values (copied into the function). Outputs carry no derivative history; differentiate inside the body. Without a
     * compiling backend, each application runs the body, with the same results and ownership.
     */
    default TensorFunction function(java.util.function.Function<List<Tensor>, List<Tensor>> body) {
        return new TensorFunction() {
            @Override
            public List<Tensor> apply(List<Tensor> inputs) {
                List<Tensor> outputs = new java.util.ArrayList<>();
                try (Scope s = scope()) {
                    for (Tensor t : body.apply(List.copyOf(inputs))) {
                        outputs.add(s.keep(t.detach()));
                    }
                }
                return outputs;
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Inside {@link #compiled} code, marks the end of one repetition of a loop, such as an inner step: the kernel calls
     * before and after it compile as separate graphs, and repetitions that make the same calls share one compiled
     * graph. A loop of T steps that reads nothing back until it ends then compiles one step, not T unrolled steps.
     * Elsewhere, and on backends that do not compile, it does nothing.
     */
    default void stepBoundary() {
    }

    /** Converts to another dtype; the derivative is converted back. */
    Tensor cast(Tensor x, DType dtype);

    // ---- elementwise ------------------------------------------------------------------------------------------

    Tensor add(Tensor a, Tensor b);
    Tensor sub(Tensor a, Tensor b);
    Tensor mul(Tensor a, Tensor b);
    Tensor div(Tensor a, Tensor b);
    /** {@code a^b} elementwise; the derivative with respect to {@code b} needs {@code a > 0}. */
    Tensor pow(Tensor a, Tensor b);

    Tensor add(Tensor a, double b);
    Tensor sub(Tensor a, double b);
    Tensor mul(Tensor a, double b);
    Tensor div(Tensor a, double b);
    Tensor pow(Tensor a, double b);

    Tensor neg(Tensor x);
    Tensor square(Tensor x);
    Tensor sqrt(Tensor x);
    Tensor exp(Tensor x);
    Tensor log(Tensor x);
    Tensor tanh(Tensor x);
    Tensor sigmoid(Tensor x);
    /** {@code max(x, 0)}; the derivative at 0 is taken as 0. */
    Tensor relu(Tensor x);
    /** {@code log(1 + exp(x))}, computed without overflow; its derivative is {@code sigmoid(x)}. */
    Tensor softplus(Tensor x);
    /** {@code |x|}; the derivative at 0 is taken as 0. */
    Tensor abs(Tensor x);
    /** {@code min(max(x, lo), hi)}; the derivative is 1 strictly inside and 0 outside the interval. */
    Tensor clip(Tensor x, double lo, double hi);

    /** 1 where {@code a > b}, else 0, in the dtype of {@code a}. Not differentiable (its derivative is zero). */
    Tensor greater(Tensor a, Tensor b);

    /** 1 where {@code a == b}, else 0, in the dtype of {@code a}. Not differentiable (its derivative is zero). */
    Tensor equal(Tensor a, Tensor b);

    /**
     * Picks {@code a} where {@code condition} is non-zero and {@code b} elsewhere. The three shapes broadcast together.
     * Derivatives flow to {@code a} and {@code b}, never to {@code condition}.
     */
    Tensor where(Tensor condition, Tensor a, Tensor b);

    // ---- linear algebra and shape -----------------------------------------------------------------------------

    /** Matrix product of {@code [m, k]} and {@code [k, n]}, giving {@code [m, n]}. */
    Tensor matmul(Tensor a, Tensor b);

    /** Transpose of a matrix. */
    Tensor transpose(Tensor x);

    /** Reorders axes: axis {@code i} of the result is axis {@code axes[i]} of {@code x}. */
    Tensor permute(Tensor x, int... axes);

    /** Same elements in row-major order with a new shape of the same size. */
    Tensor reshape(Tensor x, Shape shape);

    /** Repeats {@code x} along size-1 (or missing leading) axes to reach {@code shape}. */
    Tensor broadcastTo(Tensor x, Shape shape);

    /** Sums {@code x} over the axes along which {@code shape} was broadcast to {@code x}'s shape: the adjoint of {@link #broadcastTo}. */
    Tensor sumToShape(Tensor x, Shape shape);

    /** Concatenates along {@code axis}; all other axes must agree. */
    Tensor concat(List<Tensor> xs, int axis);

    /** The block starting at {@code begin} with extent {@code size} on each axis. */
    Tensor slice(Tensor x, int[] begin, int[] size);

    /** Pads with zeros: {@code before[i]} elements before and {@code after[i]} after on axis {@code i}. */
    Tensor pad(Tensor x, int[] before, int[] after);

    /** Rows {@code indices} of {@code x} along axis 0 (repeats allowed). */
    Tensor gatherRows(Tensor x, int[] indices);

    /** A tensor with {@code rows} rows, zero except that row {@code indices[i]} accumulates {@code updates[i]}: the adjoint of {@link #gatherRows}. */
    Tensor scatterAddRows(Tensor updates, int[] indices, int rows);

    // ---- reductions -------------------------------------------------------------------------------------------

    /** Sum of all elements, as a scalar. */
    Tensor sum(Tensor x);
    Tensor sum(Tensor x, int[] axes, boolean keepDims);
    /** Mean of all elements, as a scalar. */
    Tensor mean(Tensor x);
    Tensor mean(Tensor x, int[] axes, boolean keepDims);
    /** Maximum along one axis. Where several elements tie, the derivative is shared equally among them. */
    Tensor max(Tensor x, int axis, boolean keepDims);

    // ---- neural-network building blocks -----------------------------------------------------------------------

    /** {@code x - log(sum(exp(x), axis))}, computed stably. */
    Tensor logSoftmax(Tensor x, int axis);

    Tensor softmax(Tensor x, int axis);

    /**
     * Per-example softmax cross-entropy of {@code logits [n, classes]} against integer {@code labels} (length n, each in
     * {@code [0, classes)}), as a vector of length n.
     */
    Tensor softmaxCrossEntropy(Tensor logits, int[] labels);

    /**
     * 2-D convolution (cross-correlation). {@code x} is {@code [n, c, h, w]} (NCHW), {@code filter} is
     * {@code [out, c, kh, kw]}; the output is {@code [n, out, (h + 2·padH − kh)/strideH + 1, (w + 2·padW − kw)/strideW + 1]}.
     */
    Tensor conv2d(Tensor x, Tensor filter, int strideH, int strideW, int padH, int padW);

    /** Max pooling over non-overlapping {@code k×k} windows of an NCHW tensor whose height and width are multiples of k. */
    Tensor maxPool2d(Tensor x, int k);

    /** Average pooling over non-overlapping {@code k×k} windows of an NCHW tensor whose height and width are multiples of k. */
    Tensor avgPool2d(Tensor x, int k);

    /**
     * Batch normalization with batch statistics: {@code gamma·(x − mean)/sqrt(var + eps) + beta}, mean and (biased)
     * variance taken over {@code axes}; {@code gamma} and {@code beta} broadcast against {@code x}.
     */
    Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, int[] axes, double eps);

    // ---- derivatives ------------------------------------------------------------------------------------------

    /**
     * Gradients of the scalar {@code y} with respect to each of {@code xs}. A tensor {@code y} does not depend on gets
     * a zero gradient.
     *
     * @param createGraph if true the results are themselves differentiable (needed for second derivatives);
     *                    if false they carry no history, which is cheaper
     */
    List<Tensor> grad(Tensor y, List<Tensor> xs, boolean createGraph);

    /** Vector-Jacobian product: {@code Σ_k J_kᵀ cotangents_k}, where {@code J_k = ∂outputs_k/∂inputs}. */
    List<Tensor> vjp(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> cotangents, boolean createGraph);

    /** Jacobian-vector product: {@code Σ_i ∂outputs/∂inputs_i · tangents_i}, one result per output. */
    List<Tensor> jvp(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> tangents, boolean createGraph);

    /** Hessian-vector product of the scalar {@code y}: {@code ∇²y · vectors}, one block per input. */
    List<Tensor> hvp(Tensor y, List<Tensor> inputs, List<Tensor> vectors, boolean createGraph);

    /**
     * Mixed second derivative {@code ∂/∂hyper (∇_inner y · vectors)}: for a training loss y, inner parameters w and
     * hyperparameters λ, this is {@code ∂²y/∂λ∂w · v}, the {@code B_tᵀ}-type term of implicit and reverse-mode
     * hypergradients.
     */
    List<Tensor> mixedHvp(Tensor y, List<Tensor> inner, List<Tensor> vectors, List<Tensor> hyper, boolean createGraph);

    // ---- memory -----------------------------------------------------------------------------------------------

    /** Opens a child of the current scope on this thread; close it with try-with-resources. */
    Scope scope();

    /** Live tensors and native bytes held by this engine. */
    MemoryStats memory();

    /** Restarts the peak-bytes counter at the current live bytes. */
    void resetPeak();
}
