package io.github.bilevel.plugin.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.experiment.Config;
import io.github.bilevel.api.experiment.Model;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.experiment.ExperimentHost;
import io.github.bilevel.core.reference.ReferenceBackend;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The miniimagenet experiment on a generated copy in the official layout (CSV files and images/), tiny network. */
class MiniImagenetFewShotTest {
    @TempDir
    static Path dir;

    /** train, val and test: 3 classes of 3 noisy images each, a colour per class, as 84×84 PNG files. */
    private static Path fixture() throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Random r = new Random(1);
        int n = 0;
        for (String split : MiniImagenetEpisodes.SPLITS) {
            StringBuilder csv = new StringBuilder("filename,label\n");
            for (int c = 0; c < 3; c++) {
                String label = String.format("n%08d", n++);
                int base = r.nextInt(0xFFFFFF);
                for (int i = 0; i < 3; i++) {
                    BufferedImage image = new BufferedImage(84, 84, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 84; y++) {
                        for (int x = 0; x < 84; x++) {
                            image.setRGB(x, y, r.nextInt(4) == 0 ? r.nextInt(0xFFFFFF) : base);
                        }
                    }
                    String name = label + String.format("%08d", i) + ".png";
                    assertTrue(ImageIO.write(image, "png", dir.resolve("images").resolve(name).toFile()));
                    csv.append(name).append(',').append(label).append('\n');
                }
            }
            Files.writeString(dir.resolve(split + ".csv"), csv);
        }
        return dir;
    }

    private static BilevelRuntime runtime() {
        return BilevelRuntime.builder().backendProviders(List.of(ReferenceBackend.provider())).dtype(DType.FLOAT32)
                .threads(1).selectionInputs(null, Map.of()).build();
    }

    private static Map<String, Object> tiny() {
        Map<String, Object> values = new LinkedHashMap<>(ExperimentHost.defaults(new MiniImagenetFewShot(), false)
                .asMap());
        values.putAll(Map.of("ways", 2, "shots", 1, "queries", 2, "T", 2, "meta_batch", 1, "iterations", 2,
                "filters", 2, "layers", 2, "validate_every", 1, "validation_episodes", 2));
        values.put("test_episodes", 3);
        return values;
    }

    @Test
    void metaTrainsOnTheOfficialLayoutAndItsModelEvaluatesAsTheRunDid() throws Exception {
        Path data = fixture();
        Model[] saved = new Model[1];
        Map<String, Object> results;
        try (BilevelRuntime rt = runtime()) {
            results = ExperimentHost.builder(rt, new Config(tiny())).dataDir(data)
                    .listener(new ExperimentHost.Listener() {
                        @Override
                        public void modelSaved(Model model) {
                            saved[0] = model;
                        }
                    }).build().run(new MiniImagenetFewShot()).results();
        }
        double accuracy = (double) results.get("test_accuracy");
        assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        assertTrue(Double.isNaN((double) results.get("test_accuracy_authors_protocol")), "one protocol only");
        assertEquals("MiniImagenet files in " + data, results.get("data"));
        assertEquals("miniimagenet", saved[0].experiment());
        assertEquals(3 * 2 * 9, saved[0].values().get(ConvRepresentation.filterName(0)).length, "colour filters");
        try (BilevelRuntime rt = runtime()) {
            Map<String, Object> again = ExperimentHost.builder(rt, new Config(tiny())).dataDir(data).build()
                    .evaluate(new MiniImagenetFewShot(), saved[0]).results();
            assertEquals(accuracy, (double) again.get("test_accuracy"), 0.0);
        }
        assertEquals(2, FewShotClassifier.of(saved[0]).ways());
    }

    @Test
    void withoutTheFilesTheRunSaysWhatItNeeds() {
        try (BilevelRuntime rt = runtime()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () ->
                    ExperimentHost.builder(rt, new Config(tiny())).build().run(new MiniImagenetFewShot()));
            assertEquals("miniimagenet reads the official files: give --data-dir <folder with train.csv, val.csv, "
                    + "test.csv and images/> (no copy of MiniImagenet ships with this project)", e.getMessage());
        }
    }
}
