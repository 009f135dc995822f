package io.github.bilevel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.ConfigOption;
import io.github.bilevel.api.experiment.Experiment;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds an experiment's effective configuration: the declared defaults, then the {@code --quick} overrides, then a
 * YAML or JSON file (a flat map of key to value), then {@code --set key=value}. Every value is validated against its
 * {@link ConfigOption}; an unknown key names the known ones.
 */
final class ConfigLoader {
    private ConfigLoader() {
    }

    static Config load(Experiment experiment, boolean quick, Path file, Map<String, String> sets) throws IOException {
        Map<String, ConfigOption> options = new LinkedHashMap<>();
        for (ConfigOption o : experiment.options()) {
            options.put(o.key(), o);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        options.forEach((k, o) -> values.put(k, o.defaultValue()));
        if (quick) {
            experiment.quickOverrides().forEach((k, v) -> put(options, values, k, v, "--quick overrides of "
                    + experiment.id()));
        }
        if (file != null) {
            JsonNode root = read(file);
            Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                JsonNode n = e.getValue();
                Object v = n.isNumber() ? (Object) n.numberValue() : n.isBoolean() ? (Object) n.booleanValue()
                        : n.isTextual() ? n.textValue() : n.toString();
                put(options, values, e.getKey(), v, file.toString());
            }
        }
        sets.forEach((k, v) -> put(options, values, k, v, "the command line"));
        return new Config(values);
    }

    /** The configuration a run saved (see {@link RunSettings}), validated again against the experiment's options. */
    static Config restore(Experiment experiment, Map<String, Object> saved, Path runDir) {
        Map<String, ConfigOption> options = new LinkedHashMap<>();
        for (ConfigOption o : experiment.options()) {
            options.put(o.key(), o);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        options.forEach((k, o) -> values.put(k, o.defaultValue()));
        saved.forEach((k, v) -> put(options, values, k, v, "the saved settings of " + runDir));
        return new Config(values);
    }

    private static JsonNode read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("Config file " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("Config file " + file + " is not UTF-8 text");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("Config file " + file + " is not valid " + (name.endsWith(".json")
                    ? "JSON" : "YAML") + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new ObjectMapper().createObjectNode();
        }
        if (!root.isObject()) {
            throw new InvalidInputException("Config file " + file + " must hold a map of key: value");
        }
        return root;
    }

    private static void put(Map<String, ConfigOption> options, Map<String, Object> values, String key, Object value,
                            String source) {
        ConfigOption o = options.get(key);
        if (o == null) {
            throw new InvalidInputException("Unknown config key '" + key + "' in " + source + ". Known keys: "
                    + options.keySet().stream().collect(Collectors.joining(", ")));
        }
        try {
            values.put(key, o.accept(value));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage() + " (in " + source + ")");
        }
    }

    /**
     * Turns setting options ({@code --meta-batch=8}, {@code --meta-batch 8}) into {@code key=value} pairs, with - in
     * the name read as _. Anything else is a usage error naming the argument.
     */
    static List<String> settingOptions(List<String> args) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() < 3) {
                throw new InvalidInputException("Unexpected argument '" + a + "'");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            if (eq < 0) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new InvalidInputException("Option " + a + " needs a value");
                }
                body = body + "=" + args.get(++i);
                eq = body.indexOf('=');
            }
            out.add(body.substring(0, eq).replace('-', '_') + body.substring(eq));
        }
        return out;
    }

    /** Parses {@code key=value} pairs. */
    static Map<String, String> parseSets(List<String> sets) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("--set needs key=value, got '" + s + "'");
            }
            out.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return out;
    }
}
