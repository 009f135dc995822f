package io.github.bilevel.data;

/**
 * Images with integer labels, pixels scaled to [0, 1].
 *
 * @param pixels row-major {@code [count, height·width]}, never null
 * @param labels {@code count} labels in {@code [0, classes)}
 */
public record LabeledImages(float[] pixels, int[] labels, int height, int width, int classes) {
    public LabeledImages {
        if (pixels.length != (long) labels.length * height * width) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length + " pixels for "
                    + height + "×" + width + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new DataFormatException("Label " + labels[i] + " of example " + i + " is outside [0, " + classes
                        + ")");
            }
        }
    }

    public int count() {
        return labels.length;
    }

    public int features() {
        return height * width;
    }

    /** The examples at {@code indices}, in that order. */
    public LabeledImages subset(int[] indices) {
        int f = features();
        float[] p = new float[indices.length * f];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * f, p, i * f, f);
            l[i] = labels[indices[i]];
        }
        return new LabeledImages(p, l, height, width, classes);
    }
}
