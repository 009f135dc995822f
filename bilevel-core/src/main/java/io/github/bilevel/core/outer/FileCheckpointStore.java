package io.github.bilevel.core.outer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.outer.CheckpointStore;
import io.github.bilevel.api.outer.OuterState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpoints of an outer loop in one JSON file (format in docs/FORMATS.md), written atomically every {@code every}
 * completed iterations, at the end, and on {@link #saveNow()} (which a shutdown hook calls on SIGINT or SIGTERM).
 * Doubles are written in their shortest exact decimal form, so a resumed run continues from bit-identical values.
 * A state holding a NaN or an infinity is never written.
 */
public final class FileCheckpointStore implements CheckpointStore, AutoCloseable {
    public static final String FORMAT = "bilevel-checkpoint";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final int every;
    private OuterState pending;
    private int writtenAt = -1;
    private Thread hook;
    private java.util.function.IntConsumer onWritten = at -> { };

    /**
     * @param file  the checkpoint file
     * @param every write every this many completed iterations (≥ 1)
     */
    public FileCheckpointStore(Path file, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("Checkpoint interval must be >= 1, got " + every);
        }
        this.file = file;
        this.every = every;
    }

    public Path file() {
        return file;
    }

    /**
     * @throws IllegalArgumentException naming the file and the problem when it exists but is not a valid checkpoint
     */
    @Override
    public synchronized Optional<OuterState> latest() {
        try {
            AtomicFiles.removeLeftovers(file);
            return Optional.of(read(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void iterationCompleted(OuterState state) {
        pending = state;
        if (state.completed() % every == 0) {
            write(state);
        }
    }

    @Override
    public synchronized void finished(OuterState state) {
        pending = state;
        write(state);
    }

    /** Writes the latest completed iteration's state unless it is on disk already; returns its iteration count. */
    public synchronized int saveNow() {
        if (pending != null && pending.completed() != writtenAt) {
            write(pending);
        }
        return writtenAt;
    }

    /** Called with the iteration count after each checkpoint is written (on the writing thread). */
    public synchronized FileCheckpointStore onWritten(java.util.function.IntConsumer listener) {
        this.onWritten = java.util.Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Saves the latest state when the JVM is asked to stop (SIGINT, SIGTERM); removed by {@link #close()}. */
    public synchronized FileCheckpointStore saveOnShutdown(java.util.function.IntConsumer onSaved) {
        if (hook == null) {
            hook = new Thread(() -> {
                int at = saveNow();
                if (at >= 0) {
                    onSaved.accept(at);
                }
            }, "checkpoint-on-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        return this;
    }

    @Override
    public synchronized void close() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
            hook = null;
        }
    }

    private void write(OuterState state) {
        String bad = state.firstNonFinite();
        if (bad != null) {
            throw new IllegalStateException("Refusing to checkpoint a non-finite state after iteration "
                    + state.completed() + ": " + bad);
        }
        try {
            AtomicFiles.write(file, JSON.writeValueAsString(toJson(state)));
            writtenAt = state.completed();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
        onWritten.accept(writtenAt);
    }

    static ObjectNode toJson(OuterState s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("completed", s.completed());
        root.put("learning_rate_scale", s.learningRateScale());
        putArrays(root.putObject("values"), s.values());
        putArrays(root.putObject("optimizer"), s.optimizerState());
        putArrays(root.putObject("extras"), s.extras());
        ArrayNode metrics = root.putArray("metrics");
        for (double[] row : s.metrics()) {
            ArrayNode r = metrics.addArray();
            for (double v : row) {
                if (Double.isFinite(v)) {
                    r.add(v);
                } else {
                    r.addNull(); // JSON has no NaN; metrics use NaN for "not measured"
                }
            }
        }
        return root;
    }

    private static void putArrays(ObjectNode node, Map<String, double[]> m) {
        m.forEach((k, v) -> {
            ArrayNode a = node.putArray(k);
            for (double x : v) {
                a.add(x);
            }
        });
    }

    /**
     * @throws IllegalArgumentException naming the file and what is wrong
     * @throws NoSuchFileException      when it does not exist
     */
    public static OuterState read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": not a valid checkpoint (not JSON: " + e.getOriginalMessage()
                    + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new InvalidInputException(file + ": not a checkpoint (expected \"format\": \"" + FORMAT + "\")");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new InvalidInputException(file + ": unsupported checkpoint version " + root.path("version"));
        }
        JsonNode completed = root.path("completed");
        JsonNode scale = root.path("learning_rate_scale");
        if (!completed.canConvertToInt() || completed.asInt() < 0 || !scale.isNumber() || !(scale.asDouble() > 0)) {
            throw new InvalidInputException(file + ": \"completed\" must be an integer >= 0 and "
                    + "\"learning_rate_scale\" a positive number");
        }
        List<double[]> metrics = new ArrayList<>();
        JsonNode m = root.path("metrics");
        if (!m.isArray()) {
            throw new InvalidInputException(file + ": \"metrics\" must be an array of rows");
        }
        for (JsonNode row : m) {
            if (!row.isArray()) {
                throw new InvalidInputException(file + ": each metrics row must be an array");
            }
            double[] r = new double[row.size()];
            for (int i = 0; i < r.length; i++) {
                JsonNode v = row.get(i);
                if (!v.isNull() && !v.isNumber()) {
                    throw new InvalidInputException(file + ": metrics hold a non-number: " + v);
                }
                r[i] = v.isNull() ? Double.NaN : v.asDouble();
            }
            metrics.add(r);
        }
        OuterState state = new OuterState(completed.asInt(), arrays(file, root, "values"),
                arrays(file, root, "optimizer"), scale.asDouble(), metrics,
                root.has("extras") ? arrays(file, root, "extras") : Map.of());
        String bad = state.firstNonFinite();
        if (bad != null) {
            throw new InvalidInputException(file + ": holds a non-finite value " + bad);
        }
        return state;
    }

    private static Map<String, double[]> arrays(Path file, JsonNode root, String field) {
        JsonNode node = root.path(field);
        if (!node.isObject()) {
            throw new InvalidInputException(file + ": \"" + field + "\" must be an object of name → array");
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        var it = node.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isArray()) {
                throw new InvalidInputException(file + ": " + field + " '" + e.getKey() + "' must be an array");
            }
            double[] v = new double[e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                JsonNode n = e.getValue().get(i);
                if (!n.isNumber()) {
                    throw new InvalidInputException(file + ": " + field + " '" + e.getKey() + "' element " + i
                            + " is not a number: " + n);
                }
                v[i] = n.asDouble();
            }
            out.put(e.getKey(), v);
        }
        return out;
    }
}
