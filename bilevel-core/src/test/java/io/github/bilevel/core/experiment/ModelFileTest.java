package io.github.bilevel.core.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    private static Model model() {
        Random r = new Random(7);
        double[] w = new double[1000];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
        }
        Map<String, double[]> values = new LinkedHashMap<>();
        values.put("conv0.filter", w);
        values.put("awkward", new double[] {0.1, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, 1.0 / 3});
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("ways", 5);
        settings.put("inner_lr", 0.4);
        settings.put("bn_scale", true);
        settings.put("test_T", "validated");
        settings.put("seed", 123456789012L);
        return new Model("omniglot", "hyper-representation", settings, values);
    }

    private Path written() throws IOException {
        Path file = dir.resolve(ModelFile.NAME);
        ModelFile.write(file, model(), Map.of("version", "1.2.3", "backend", "tensorflow"));
        return file;
    }

    @Test
    void valuesSettingsAndProvenanceComeBackBitForBit() throws IOException {
        ModelFile.Saved saved = ModelFile.read(written());
        Model m = model();
        assertEquals(m.experiment(), saved.model().experiment());
        assertEquals(m.kind(), saved.model().kind());
        assertEquals(m.values().keySet(), saved.model().values().keySet());
        for (String name : m.values().keySet()) {
            double[] want = m.values().get(name);
            double[] got = saved.model().values().get(name);
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), name + "[" + i
                        + "] " + want[i] + " read as " + got[i]);
            }
        }
        assertEquals(5, ((Number) saved.model().settings().get("ways")).intValue());
        assertEquals(0.4, ((Number) saved.model().settings().get("inner_lr")).doubleValue(), 0.0);
        assertEquals(true, saved.model().settings().get("bn_scale"));
        assertEquals("validated", saved.model().settings().get("test_T"));
        assertEquals(123456789012L, ((Number) saved.model().settings().get("seed")).longValue());
        assertEquals("1.2.3", saved.provenance().get("version"));
        assertEquals(saved.model().values().keySet(), ModelFile.read(dir).model().values().keySet(),
                "a run folder names its model.json");
    }

    @Test
    void aTruncatedFileIsRefusedInOneLine() throws IOException {
        Path file = written();
        byte[] all = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.json");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelFile.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": not a readable model file ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("truncated or damaged?)"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aChangedValueFailsTheChecksum() throws IOException {
        Path file = written();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        // one digit of one value changed: still valid JSON, still a model file
        int at = text.indexOf("0.1,");
        Files.writeString(file, text.substring(0, at) + "0.2," + text.substring(at + 4), StandardCharsets.UTF_8);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelFile.read(file));
        assertEquals(file + ": checksum does not match the content (the file was changed or damaged)",
                e.getMessage());
    }

    @Test
    void otherFilesAreNamedForWhatTheyAreNot() throws IOException {
        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"format\": \"bilevel-checkpoint\", \"version\": 1}");
        assertEquals(other + ": not a bilevel-model file",
                assertThrows(InvalidInputException.class, () -> ModelFile.read(other)).getMessage());
        Files.writeString(other, "{\"format\": \"bilevel-model\", \"version\": 2}");
        assertEquals(other + ": bilevel-model version 2 is not supported (this build reads version 1)",
                assertThrows(InvalidInputException.class, () -> ModelFile.read(other)).getMessage());
        Path empty = dir.resolve("empty");
        Files.createDirectory(empty);
        assertEquals(empty.resolve(ModelFile.NAME) + ": no such file (the run saved no model, or has not finished)",
                assertThrows(InvalidInputException.class, () -> ModelFile.read(empty)).getMessage());
    }

    @Test
    void nonFiniteValuesAreNotSaved() {
        Model bad = new Model("omniglot", "hyper-representation", Map.of(), Map.of("w", new double[] {1, Double.NaN}));
        InvalidInputException e = assertThrows(InvalidInputException.class, () ->
                ModelFile.write(dir.resolve("bad.json"), bad, Map.of()));
        assertEquals("Model value 'w' holds NaN; refusing to save a non-finite value", e.getMessage());
        assertArrayEquals(new String[0], dir.toFile().list(), "nothing written");
    }
}
