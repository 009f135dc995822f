package io.github.bilevel.core.hypergradient;

import io.github.bilevel.api.HypergradientRequest;

/** Parsing of strategy options with messages that name the option and quote the value. */
final class Options {
    private Options() {
    }

    static int positiveInt(HypergradientRequest r, String name, int fallback) {
        String v = r.options().get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= 1) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Option " + name + "='" + v + "' must be a whole number >= 1");
    }
}
