package io.github.bilevel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.core.outer.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a run, saved as {@code run.json} in its output folder when it starts, so that {@code --resume}
 * continues it exactly as it was started (format in docs/FORMATS.md).
 */
record RunSettings(String experiment, long seed, String backend, String dtype, boolean quick, Path dataDir,
                   int checkpointEvery, String onNan, Map<String, Object> config, Map<String, Object> provenance) {
    static final String FILE = "run.json";
    static final String FORMAT = "bilevel-run";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    void write(Path dir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", 1);
        m.put("experiment", experiment);
        m.put("seed", seed);
        m.put("backend", backend);
        m.put("dtype", dtype);
        m.put("quick", quick);
        m.put("data_dir", dataDir == null ? null : dataDir.toAbsolutePath().toString());
        m.put("checkpoint_every", checkpointEvery);
        m.put("on_nan", onNan);
        m.put("config", config);
        m.put("provenance", provenance);
        AtomicFiles.write(dir.resolve(FILE), JSON.writeValueAsString(m) + "\n");
    }

    /** The thread count the run started with (in its provenance); null in files that do not say. */
    Integer threads() {
        return provenance != null && provenance.get("threads") instanceof Number n ? n.intValue() : null;
    }

    RunSettings withProvenance(Map<String, Object> p) {
        return new RunSettings(experiment, seed, backend, dtype, quick, dataDir, checkpointEvery, onNan, config, p);
    }

    /** @throws IllegalArgumentException naming the folder or file and what is wrong */
    static RunSettings read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("--resume " + dir + ": no such run folder");
        }
        Path file = dir.resolve(FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("--resume " + dir + ": not a run folder (no " + FILE + ")");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())
                || root.path("version").asInt(-1) != 1) {
            throw new InvalidInputException(file + ": not a run settings file of version 1");
        }
        for (String key : new String[] {"experiment", "backend", "dtype"}) {
            if (!root.path(key).isTextual()) {
                throw new InvalidInputException(file + ": \"" + key + "\" must be a string");
            }
        }
        if (!root.path("seed").canConvertToLong() || !root.path("checkpoint_every").canConvertToInt()
                || !root.path("quick").isBoolean() || !root.path("config").isObject()) {
            throw new InvalidInputException(file + ": \"seed\", \"checkpoint_every\", \"quick\" or \"config\" is "
                    + "missing or of the wrong type");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        var fields = root.path("config").fields();
        while (fields.hasNext()) {
            var e = fields.next();
            JsonNode n = e.getValue();
            config.put(e.getKey(), n.isNumber() ? n.numberValue() : n.isBoolean() ? (Object) n.booleanValue()
                    : n.asText());
        }
        JsonNode data = root.path("data_dir");
        // Files written before "on_nan" was saved hold runs that stopped on a non-finite value (the default).
        JsonNode onNan = root.path("on_nan");
        if (!onNan.isMissingNode() && !(onNan.isTextual() && (onNan.asText().equals("stop")
                || onNan.asText().equals("skip")))) {
            throw new InvalidInputException(file + ": \"on_nan\" must be \"stop\" or \"skip\"");
        }
        return new RunSettings(root.path("experiment").asText(), root.path("seed").asLong(),
                root.path("backend").asText(), root.path("dtype").asText(), root.path("quick").asBoolean(),
                data.isTextual() ? Path.of(data.asText()) : null, root.path("checkpoint_every").asInt(),
                onNan.isMissingNode() ? "stop" : onNan.asText(), config,
                // written since provenance was recorded; only read for the data checksum
                root.path("provenance").isObject() ? JSON.convertValue(root.path("provenance"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }) : null);
    }
}
