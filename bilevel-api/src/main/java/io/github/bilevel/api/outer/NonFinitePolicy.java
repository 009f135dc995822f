package io.github.bilevel.api.outer;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** What the outer loop does when a loss, a gradient or a hypergradient is NaN or infinite. */
@API(status = STABLE, since = "0.1")
public enum NonFinitePolicy {
    /** Stop with a {@link io.github.bilevel.api.NonFiniteValueException} naming the iteration, step and quantity. */
    STOP,
    /** Skip that iteration's update, halve the outer learning rate from then on, and go on. */
    SKIP_AND_HALVE
}
