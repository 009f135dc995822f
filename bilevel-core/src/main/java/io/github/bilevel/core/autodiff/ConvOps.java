package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;

/**
 * 2-D convolution and its two backprop operations. The three are bilinear and mutually adjoint, so each one's
 * derivative is written with the other two and derivatives close under differentiation:
 * {@code <u, bpInput(w, g)> = <conv(u, w), g>} and {@code <U, bpFilter(x, g)> = <conv(x, U), g>}.
 */
final class ConvOps {
    private ConvOps() {
    }

    /** Inputs: x, filter. */
    record Conv2d(Conv2dSpec spec) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.conv2d(in[0], in[1], spec);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Tensor x = out.inputs[0];
            Tensor w = out.inputs[1];
            return new Tensor[] {
                needed[0] ? e.conv2dBackpropInput(x.shape(), w, g, spec) : null,
                needed[1] ? e.conv2dBackpropFilter(x, w.shape(), g, spec) : null
            };
        }
    }

    /** Inputs: filter, dy. */
    record BackpropInput(Shape inputShape, Conv2dSpec spec) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.conv2dBackpropInput(inputShape, in[0], in[1], spec);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Tensor w = out.inputs[0];
            Tensor dy = out.inputs[1];
            return new Tensor[] {
                needed[0] ? e.conv2dBackpropFilter(g, w.shape(), dy, spec) : null,
                needed[1] ? e.conv2d(g, w, spec) : null
            };
        }
    }

    /** Inputs: x, dy. */
    record BackpropFilter(Shape filterShape, Conv2dSpec spec) implements Op {
        @Override
        public NdArray forward(Backend b, NdArray[] in) {
            return b.conv2dBackpropFilter(in[0], filterShape, in[1], spec);
        }

        @Override
        public Tensor[] vjp(Engine e, TracedTensor out, Tensor g, boolean[] needed) {
            Tensor x = out.inputs[0];
            Tensor dy = out.inputs[1];
            return new Tensor[] {
                needed[0] ? e.conv2dBackpropInput(x.shape(), g, dy, spec) : null,
                needed[1] ? e.conv2d(x, g, spec) : null
            };
        }
    }
}
