package io.github.bilevel.plugin.meta;

import io.github.bilevel.api.Constraint;
import io.github.bilevel.api.HyperparameterSpec;
import io.github.bilevel.api.Hyperparameters;
import io.github.bilevel.api.tensor.Ops;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The representation {@code h_λ}: {@code layers} × [3×3 convolution with {@code filters} filters, stride 2, padding 1;
 * batch normalization with batch statistics; ReLU], flattened. On 28×28 Omniglot with 4 layers of 64 filters:
 * 28 → 14 → 7 → 4 → 2, so 64·2·2 = 256 features. λ is every filter, scale and shift; filters start He-normal from a
 * fixed seed, scales at 1, shifts at 0. Without learned scales (the authors' network) batch normalization only
 * shifts; the filters start the same either way.
 */
public final class ConvRepresentation {
    static final double BN_EPSILON = 1e-5;

    private final int channels;
    private final int side;
    private final int filters;
    private final int layers;
    private final boolean scales;
    private final List<HyperparameterSpec> specs;

    /** With learned batch-normalization scales. */
    public ConvRepresentation(int channels, int side, int filters, int layers, long seed) {
        this(channels, side, filters, layers, seed, true);
    }

    /** With learned batch-normalization scales when {@code scales}, shifts only otherwise. */
    public ConvRepresentation(int channels, int side, int filters, int layers, long seed, boolean scales) {
        if (channels < 1 || side < 1 || filters < 1 || layers < 1) {
            throw new IllegalArgumentException("Representation needs positive channels, side, filters and layers");
        }
        this.channels = channels;
        this.side = side;
        this.filters = filters;
        this.layers = layers;
        this.scales = scales;
        Random rng = new Random(seed);
        List<HyperparameterSpec> s = new ArrayList<>();
        int in = channels;
        for (int l = 0; l < layers; l++) {
            double[] w = new double[filters * in * 9];
            double std = Math.sqrt(2.0 / (in * 9));
            for (int i = 0; i < w.length; i++) {
                w[i] = std * rng.nextGaussian();
            }
            double[] ones = new double[filters];
            java.util.Arrays.fill(ones, 1.0);
            s.add(new HyperparameterSpec(filterName(l), Shape.of(filters, in, 3, 3), w, new Constraint.Unconstrained()));
            if (scales) {
                s.add(new HyperparameterSpec(scaleName(l), Shape.of(filters), ones, new Constraint.Unconstrained()));
            }
            s.add(new HyperparameterSpec(shiftName(l), Shape.of(filters), new double[filters],
                    new Constraint.Unconstrained()));
            in = filters;
        }
        this.specs = Collections.unmodifiableList(s);
    }

    static String filterName(int layer) {
        return "conv" + layer + ".filter";
    }

    static String scaleName(int layer) {
        return "bn" + layer + ".scale";
    }

    static String shiftName(int layer) {
        return "bn" + layer + ".shift";
    }

    public List<HyperparameterSpec> hyperparameters() {
        return specs;
    }

    /** Side of the last feature map: each stride-2 layer maps s to ⌈s / 2⌉. */
    int outputSide() {
        int s = side;
        for (int l = 0; l < layers; l++) {
            s = (s + 2 - 3) / 2 + 1;
        }
        return s;
    }

    public int features() {
        return filters * outputSide() * outputSide();
    }

    /** {@code h_λ(x)} for {@code x [n, channels·side·side]} row-major: {@code [n, features()]}. */
    Tensor apply(Ops ops, Hyperparameters hyper, Tensor x) {
        int n = x.shape().dim(0);
        Tensor h = ops.reshape(x, Shape.of(n, channels, side, side));
        for (int l = 0; l < layers; l++) {
            Tensor z = ops.conv2d(h, hyper.get(filterName(l)), 2, 2, 1, 1);
            Tensor mean = ops.mean(z, new int[] {0, 2, 3}, true);
            Tensor centered = ops.sub(z, mean);
            Tensor variance = ops.mean(ops.square(centered), new int[] {0, 2, 3}, true);
            Tensor normalized = ops.div(centered, ops.sqrt(ops.add(variance, BN_EPSILON)));
            if (scales) {
                normalized = ops.mul(normalized, ops.reshape(hyper.get(scaleName(l)), Shape.of(1, filters, 1, 1)));
            }
            Tensor shift = ops.reshape(hyper.get(shiftName(l)), Shape.of(1, filters, 1, 1));
            h = ops.relu(ops.add(normalized, shift));
        }
        return ops.reshape(h, Shape.of(n, features()));
    }
}
