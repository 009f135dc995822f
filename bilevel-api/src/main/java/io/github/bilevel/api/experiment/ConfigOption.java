package io.github.bilevel.api.experiment;

import static org.apiguardian.api.API.Status.STABLE;

import io.github.bilevel.api.InvalidInputException;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One configuration key of an experiment: its type, default and allowed range. Configuration files and the command
 * line are validated against these: an unknown key or an out-of-range value is an error naming the key.
 *
 * @param key          non-empty, for example {@code T} or {@code outer_lr}
 * @param type         the value type
 * @param defaultValue an Integer, Double, Boolean or String matching {@code type}
 * @param min          smallest allowed number (ignored for booleans and strings)
 * @param max          largest allowed number (ignored for booleans and strings)
 * @param description  one line for help output
 */
@API(status = STABLE, since = "0.1")
public record ConfigOption(String key, Type type, Object defaultValue, double min, double max, String description) {

    public enum Type { INT, DOUBLE, BOOLEAN, STRING }

    public ConfigOption {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("A config option needs a key");
        }
        defaultValue = convert(key, type, defaultValue, min, max);
    }

    public static ConfigOption integer(String key, int defaultValue, int min, int max, String description) {
        return new ConfigOption(key, Type.INT, defaultValue, min, max, description);
    }

    public static ConfigOption number(String key, double defaultValue, double min, double max, String description) {
        return new ConfigOption(key, Type.DOUBLE, defaultValue, min, max, description);
    }

    public static ConfigOption flag(String key, boolean defaultValue, String description) {
        return new ConfigOption(key, Type.BOOLEAN, defaultValue, 0, 0, description);
    }

    public static ConfigOption text(String key, String defaultValue, String description) {
        return new ConfigOption(key, Type.STRING, defaultValue, 0, 0, description);
    }

    /** Validates and converts a value (a number, boolean or string, as parsed from a file or command line). */
    public Object accept(Object value) {
        return convert(key, type, value, min, max);
    }

    private static Object convert(String key, Type type, Object value, double min, double max) {
        switch (type) {
            case INT -> {
                double d = number(key, value, "a whole number");
                if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                    throw new InvalidInputException("Config '" + key + "' must be a whole number, got " + value);
                }
                range(key, d, min, max, value);
                return (int) d;
            }
            case DOUBLE -> {
                double d = number(key, value, "a number");
                range(key, d, min, max, value);
                return d;
            }
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    return b;
                }
                if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(s);
                }
                throw new InvalidInputException("Config '" + key + "' must be true or false, got " + value);
            }
            default -> {
                if (value instanceof String s) {
                    return s;
                }
                throw new InvalidInputException("Config '" + key + "' must be a string, got " + value);
            }
        }
    }

    private static double number(String key, Object value, String what) {
        double d;
        if (value instanceof Number n) {
            d = n.doubleValue();
        } else if (value instanceof String s) {
            try {
                d = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("Config '" + key + "' must be " + what + ", got '" + s + "'");
            }
        } else {
            throw new InvalidInputException("Config '" + key + "' must be " + what + ", got " + value);
        }
        if (!Double.isFinite(d)) {
            throw new InvalidInputException("Config '" + key + "' must be finite, got " + value);
        }
        return d;
    }

    private static void range(String key, double d, double min, double max, Object value) {
        if (d < min || d > max) {
            throw new InvalidInputException("Config '" + key + "' = " + value + " is out of range [" + fmt(min)
                    + ", " + fmt(max) + "]");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
