package io.github.bilevel.api.experiment;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;

/** The effective, validated configuration of a run: every declared key with its value. Immutable. */
@API(status = STABLE, since = "0.1")
public final class Config {
    private final Map<String, Object> values;

    public Config(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    private Object get(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("No config key '" + key + "'. Known: " + values.keySet());
        }
        return v;
    }

    public int getInt(String key) {
        return (Integer) get(key);
    }

    public double getDouble(String key) {
        return (Double) get(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    public String getString(String key) {
        return (String) get(key);
    }

    /** Unmodifiable, in declaration order. */
    public Map<String, Object> asMap() {
        return values;
    }
}
