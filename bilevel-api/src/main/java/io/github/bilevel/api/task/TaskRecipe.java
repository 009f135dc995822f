package io.github.bilevel.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * A family of tasks described by data, so that any JVM can rebuild the same tasks: the id of the
 * {@link TaskFactory} that builds them, the run's seed, and the settings the factory reads (in words, as a
 * configuration file writes them). Equal recipes give equal tasks everywhere. Experimental.
 *
 * @param factory  a {@link TaskFactory#id()}
 * @param seed     the seed every random choice of the tasks derives from
 * @param settings what the factory reads, for example {@code ways=5}; sorted by key
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TaskRecipe(String factory, long seed, Map<String, String> settings) implements Serializable {
    public TaskRecipe {
        Objects.requireNonNull(factory, "factory");
        if (factory.isBlank()) {
            throw new IllegalArgumentException("A task recipe needs a factory id");
        }
        settings = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(settings, "settings")));
    }

    /**
     * The setting {@code key}.
     *
     * @throws IllegalArgumentException naming the recipe's keys if it has no such setting
     */
    public String get(String key) {
        String v = settings.get(key);
        if (v == null) {
            throw new IllegalArgumentException("Task recipe '" + factory + "' has no setting '" + key + "'; it has "
                    + settings.keySet());
        }
        return v;
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }
}
