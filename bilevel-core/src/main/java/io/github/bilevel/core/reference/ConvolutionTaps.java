package io.github.bilevel.core.reference;

import io.github.bilevel.api.spi.Conv2dSpec;
import io.github.bilevel.api.tensor.Shape;

/**
 * The one loop of the reference convolution kernels: the forward pass, the input gradient and the filter gradient
 * visit the same taps.
 */
final class ConvolutionTaps {
    private ConvolutionTaps() {
    }

    /** Receives the flat indices of one multiply-add of a convolution: input, filter and output element. */
    @FunctionalInterface
    interface Tap {
        void accept(int input, int filter, int output);
    }

    /** Visits every (input, filter, output) triple of a 2-D convolution with zero padding. */
    static void forEach(Shape x, Shape filter, int oh, int ow, Conv2dSpec s, Tap tap) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = filter.dim(0), kh = filter.dim(2), kw = filter.dim(3);
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int out = ((b * o + oc) * oh + i) * ow + j;
                        for (int ic = 0; ic < c; ic++) {
                            for (int p = 0; p < kh; p++) {
                                int yy = i * s.strideH() - s.padH() + p;
                                if (yy < 0 || yy >= h) {
                                    continue;
                                }
                                for (int q = 0; q < kw; q++) {
                                    int xx = j * s.strideW() - s.padW() + q;
                                    if (xx >= 0 && xx < w) {
                                        tap.accept(((b * c + ic) * h + yy) * w + xx, ((oc * c + ic) * kh + p) * kw + q, out);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
