package io.github.bilevel.api;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.tensor.Shape;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Declares one hyperparameter: its name (unique within a problem and its solver), shape, initial value and feasible
 * set.
 *
 * @param name       non-empty, for example {@code "l2"} or {@code "solver.lr"}
 * @param shape      never null
 * @param initial    row-major initial values, {@code shape.size()} of them; copied
 * @param constraint never null
 */
@API(status = STABLE, since = "0.1")
public record HyperparameterSpec(String name, Shape shape, double[] initial, Constraint constraint) {
    public HyperparameterSpec {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(constraint, "constraint");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A hyperparameter needs a non-empty name");
        }
        if (initial == null || initial.length != shape.size()) {
            throw new IllegalArgumentException("Hyperparameter '" + name + "' has shape " + shape + " ("
                    + shape.size() + " values) but " + (initial == null ? "no" : initial.length) + " initial values");
        }
        initial = initial.clone();
    }

    /** A scalar hyperparameter. */
    public static HyperparameterSpec scalar(String name, double initial, Constraint constraint) {
        return new HyperparameterSpec(name, Shape.scalar(), new double[] {initial}, constraint);
    }

    /** A copy of the initial values. */
    @Override
    public double[] initial() {
        return initial.clone();
    }
}
