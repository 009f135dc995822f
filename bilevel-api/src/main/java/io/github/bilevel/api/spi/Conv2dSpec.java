package io.github.bilevel.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Stride and zero padding of a 2-D convolution over NCHW inputs with {@code [out, in, kh, kw]} filters.
 */
@API(status = STABLE, since = "0.1")
public record Conv2dSpec(int strideH, int strideW, int padH, int padW) {
    public Conv2dSpec {
        if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException(
                    "Convolution needs strides >= 1 and padding >= 0, got stride (" + strideH + ", " + strideW
                            + ") padding (" + padH + ", " + padW + ")");
        }
    }

    /** Output height or width for an input extent and a kernel extent. */
    public static int outputSize(int in, int kernel, int stride, int pad) {
        return (in + 2 * pad - kernel) / stride + 1;
    }
}
