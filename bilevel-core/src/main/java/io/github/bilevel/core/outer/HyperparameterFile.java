package io.github.bilevel.core.outer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bilevel.api.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Learned hyperparameters on disk, as JSON (documented in docs/FORMATS.md):
 * <pre>{@code
 * {"format": "bilevel-hyperparameters", "version": 1,
 *  "hyperparameters": {"lambda": [2.71], "gd.lr": [0.01]}}
 * }</pre>
 * Values are row-major; non-finite values are refused. Writing goes through a temporary file and a rename, so a file
 * is never half-written.
 */
public final class HyperparameterFile {
    public static final String FORMAT = "bilevel-hyperparameters";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HyperparameterFile() {
    }

    public static void write(Path file, Map<String, double[]> values) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ObjectNode hp = root.putObject("hyperparameters");
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            ArrayNode a = hp.putArray(e.getKey());
            for (double v : e.getValue()) {
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("Hyperparameter '" + e.getKey() + "' holds " + v
                            + "; refusing to save a non-finite value");
                }
                a.add(v);
            }
        }
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /**
     * @throws IllegalArgumentException naming the file and what is wrong if it is not a valid hyperparameter file
     */
    public static Map<String, double[]> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new InvalidInputException(file + ": not a hyperparameter file (expected \"format\": \"" + FORMAT
                    + "\")");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new InvalidInputException(file + ": unsupported version " + root.path("version")
                    + " (this build reads version " + VERSION + ")");
        }
        JsonNode hp = root.path("hyperparameters");
        if (!hp.isObject()) {
            throw new InvalidInputException(file + ": \"hyperparameters\" must be an object of name → array");
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        var fields = hp.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!e.getValue().isArray()) {
                throw new InvalidInputException(file + ": hyperparameter '" + e.getKey() + "' must be an array");
            }
            double[] v = new double[e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                JsonNode n = e.getValue().get(i);
                if (!n.isNumber()) {
                    throw new InvalidInputException(file + ": hyperparameter '" + e.getKey() + "' element " + i
                            + " is not a number: " + n);
                }
                v[i] = n.asDouble();
            }
            out.put(e.getKey(), v);
        }
        return out;
    }
}
