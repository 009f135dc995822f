package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BinaryKernel;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.spi.UnaryKernel;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Tensor;

/** Elementwise operations and their derivative rules. Inputs of binary operations have equal shapes (the engine broadcasts first). */
final class ElementwiseOps {
    private ElementwiseOps() {
    }

    record Unary(UnaryKernel kernel) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.unary(kernel, in[0]);
        }

        @Override
        public boolean differentiable() {
            return kernel != UnaryKernel.SIGN;
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Tensor x = out.inputs[0];
            Tensor dx = switch (kernel) {
                case NEG -> e.neg(g);
                case EXP -> e.mul(g, out);
                case LOG -> e.div(g, x);
                case SQRT -> e.div(g, e.mul(out, 2.0));
                case SQUARE -> e.mul(g, e.mul(x, 2.0));
                case TANH -> e.mul(g, e.sub(e.onesLike(out), e.square(out)));
                case SIGMOID -> e.mul(g, e.mul(out, e.sub(e.onesLike(out), out)));
                case RELU -> e.mul(g, e.greater(x, e.zerosLike(x)));
                case ABS -> e.mul(g, e.sign(x));
                case SIGN -> null;
            };
            return new Tensor[] {dx};
        }

        @Override
        public String name() {
            return kernel.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    record Binary(BinaryKernel kernel) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.binary(kernel, in[0], in[1]);
        }

        @Override
        public boolean differentiable() {
            return kernel != BinaryKernel.GREATER && kernel != BinaryKernel.EQUAL;
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Tensor a = out.inputs[0];
            Tensor b = out.inputs[1];
            Tensor da = null;
            Tensor db = null;
            switch (kernel) {
                case ADD -> {
                    da = g;
                    db = g;
                }
                case SUB -> {
                    da = g;
                    db = needed[1] ? e.neg(g) : null;
                }
                case MUL -> {
                    da = needed[0] ? e.mul(g, b) : null;
                    db = needed[1] ? e.mul(g, a) : null;
                }
                case DIV -> {
                    da = needed[0] ? e.div(g, b) : null;
                    db = needed[1] ? e.neg(e.div(e.mul(g, out), b)) : null;
                }
                case POW -> {
                    da = needed[0] ? e.mul(g, e.mul(b, e.pow(a, e.sub(b, e.onesLike(b))))) : null;
                    db = needed[1] ? e.mul(g, e.mul(out, e.log(a))) : null;
                }
                case GREATER, EQUAL -> {
                }
            }
            return new Tensor[] {da, db};
        }

        @Override
        public String name() {
            return kernel.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code condition ? a : b}; inputs are condition, a, b. */
    record Select() implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.select(in[0], in[1], in[2]);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Tensor c = out.inputs[0];
            Tensor zero = e.zerosLike(g);
            return new Tensor[] {null, needed[1] ? e.where(c, g, zero) : null, needed[2] ? e.where(c, zero, g) : null};
        }
    }

    /** {@code log(1 + exp(x))} as {@code relu(x) + log(1 + exp(-|x|))}; derivative {@code sigmoid(x)}. */
    record Softplus() implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            NdArray x = in[0];
            try (NdArray abs = b.unary(UnaryKernel.ABS, x);
                 NdArray negAbs = b.unary(UnaryKernel.NEG, abs);
                 NdArray exp = b.unary(UnaryKernel.EXP, negAbs);
                 NdArray one = b.full(x.shape(), 1.0, x.dtype());
                 NdArray onePlus = b.binary(BinaryKernel.ADD, one, exp);
                 NdArray log = b.unary(UnaryKernel.LOG, onePlus);
                 NdArray relu = b.unary(UnaryKernel.RELU, x)) {
                return b.binary(BinaryKernel.ADD, relu, log);
            }
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            return new Tensor[] {e.mul(g, e.sigmoid(out.inputs[0]))};
        }
    }

    record Cast(DType dtype) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.cast(in[0], dtype);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            return new Tensor[] {e.cast(g, out.inputs[0].dtype())};
        }
    }
}
