package io.github.bilevel.core.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Model;
import io.github.bilevel.core.outer.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A learned model on disk (format {@code bilevel-model}, version 1, docs/FORMATS.md): one JSON object with the
 * experiment, the kind of model, its settings, what produced it (project version, backend, dtype, threads, and the
 * data's source and SHA-256), the values by name, and a SHA-256 of all of that, so that a damaged or edited file is
 * refused instead of evaluated. Numbers are written in the shortest form that reads back to the same double, so values
 * survive the round trip bit for bit. Written through a temporary file and a rename.
 */
public final class ModelFile {
    public static final String FORMAT = "bilevel-model";
    public static final int VERSION = 1;
    /** The name of the model file in a run folder. */
    public static final String NAME = "model.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFile() {
    }

    /** A model read back, with what produced it. */
    public record Saved(Model model, Map<String, Object> provenance) {
    }

    public static void write(Path file, Model model, Map<String, Object> provenance) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("experiment", model.experiment());
        root.put("kind", model.kind());
        root.set("provenance", JSON.valueToTree(provenance));
        root.set("settings", JSON.valueToTree(model.settings()));
        ObjectNode values = root.putObject("values");
        for (Map.Entry<String, double[]> e : model.values().entrySet()) {
            ArrayNode a = values.putArray(e.getKey());
            for (double v : e.getValue()) {
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("Model value '" + e.getKey() + "' holds " + v
                            + "; refusing to save a non-finite value");
                }
                a.add(v);
            }
        }
        root.put("sha256", checksum(root));
        AtomicFiles.write(file, JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n");
    }

    /**
     * Reads a model file, or the model file of a run folder.
     *
     * @throws InvalidInputException in one line naming the file and what is wrong: missing, not JSON (a truncated
     *                               file), another format or version, a missing part, or a checksum that does not match
     */
    public static Saved read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(NAME) : path;
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file" + (Files.isDirectory(path)
                    ? " (the run saved no model, or has not finished)" : ""));
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": not a readable model file (" + e.getOriginalMessage()
                    + "; truncated or damaged?)");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InvalidInputException(file + ": not a readable model file (not UTF-8 text)");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new InvalidInputException(file + ": not a " + FORMAT + " file");
        }
        if (root.path("version").asInt() != VERSION) {
            throw new InvalidInputException(file + ": " + FORMAT + " version " + root.path("version")
                    + " is not supported (this build reads version " + VERSION + ")");
        }
        ObjectNode body = ((ObjectNode) root).deepCopy();
        JsonNode sum = body.remove("sha256");
        if (sum == null || !sum.asText().equals(checksum(body))) {
            throw new InvalidInputException(file + ": checksum does not match the content (the file was changed or "
                    + "damaged)");
        }
        for (String part : new String[] {"experiment", "kind", "provenance", "settings", "values"}) {
            if (!root.hasNonNull(part)) {
                throw new InvalidInputException(file + ": no '" + part + "'");
            }
        }
        Map<String, double[]> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("values").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            double[] v = new double[e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.getValue().get(i).asDouble();
            }
            values.put(e.getKey(), v);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = JSON.convertValue(root.get("settings"), LinkedHashMap.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> provenance = JSON.convertValue(root.get("provenance"), LinkedHashMap.class);
        return new Saved(new Model(root.get("experiment").asText(), root.get("kind").asText(), settings, values),
                provenance);
    }

    /** SHA-256 of the compact JSON of {@code body}, in hexadecimal. */
    private static String checksum(JsonNode body) throws JsonProcessingException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(JSON.writeValueAsBytes(body)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
