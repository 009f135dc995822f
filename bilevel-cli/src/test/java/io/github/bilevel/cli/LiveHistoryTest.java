package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.experiment.ExperimentResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveHistoryTest {
    private static final List<String> COLUMNS = List.of("iteration", "loss", "accuracy");

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }

    @Test
    void eachRowAddedAtTheEndIsOnDiskAtOnce(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("history.csv");
        LiveHistory h = new LiveHistory(file, COLUMNS);
        assertEquals("iteration,loss,accuracy\n", read(file));
        h.add(new double[] {0, 1.5, Double.NaN});
        assertEquals("iteration,loss,accuracy\n0,1.5000000,\n", read(file));
        h.addAll(List.of(new double[] {1, 0.25, 0.5}, new double[] {2, 0.125, 0.75}));
        assertEquals("iteration,loss,accuracy\n0,1.5000000,\n1,0.25000000,0.50000000\n2,0.12500000,0.75000000\n",
                read(file));
        assertEquals(3, h.size());
        assertEquals(0.25, h.get(1)[1]);
    }

    @Test
    void aRestoredCheckpointReplacesTheRowsAKilledRunWrotePastIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("history.csv");
        // what a killed run left: rows 0..4, its checkpoint after iteration 3
        Files.writeString(file, "iteration,loss,accuracy\n0,4,\n1,3,\n2,2,\n3,1,\n4,0.5000000,\n");
        LiveHistory h = new LiveHistory(file, COLUMNS);
        assertEquals("iteration,loss,accuracy\n", read(file), "a new history starts from the header");
        // what OuterLoop does on resuming: clear, then add the checkpoint's rows
        h.clear();
        h.addAll(List.of(new double[] {0, 4, Double.NaN}, new double[] {1, 3, Double.NaN},
                new double[] {2, 2, Double.NaN}));
        h.add(new double[] {3, 1, Double.NaN});
        assertEquals("iteration,loss,accuracy\n0,4,\n1,3,\n2,2,\n3,1,\n", read(file));
    }

    @Test
    void removingReplacingOrInsertingRewritesTheFileWithoutLeftovers(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("history.csv");
        LiveHistory h = new LiveHistory(file, COLUMNS);
        for (int i = 0; i < 4; i++) {
            h.add(new double[] {i, i, i});
        }
        h.remove(0);
        h.set(0, new double[] {9, 9, 9});
        h.add(1, new double[] {7, 7, 7});
        assertEquals("iteration,loss,accuracy\n9,9,9\n7,7,7\n2,2,2\n3,3,3\n", read(file));
        try (var list = Files.list(dir)) {
            assertEquals(List.of(file), list.toList(), "no temporary file is left");
        }
    }

    @Test
    void aViewAtTheEndWritesThrough(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("history.csv");
        LiveHistory h = new LiveHistory(file, List.of("T", "iteration"));
        h.add(new double[] {1, 0});
        h.add(new double[] {1, 1});
        // a second phase's rows, restored from its checkpoint after a row past it was written
        List<double[]> phase = h.subList(h.size(), h.size());
        phase.add(new double[] {5, 0});
        phase.add(new double[] {5, 1});
        assertEquals("T,iteration\n1,0\n1,1\n5,0\n5,1\n", read(file));
        phase.clear();
        phase.addAll(List.of(new double[] {5, 0}));
        assertEquals("T,iteration\n1,0\n1,1\n5,0\n", read(file));
        assertEquals(3, h.size());
    }

    @Test
    void theFinalFileEqualsTheOneWrittenFromTheResult(@TempDir Path dir) throws IOException {
        Path live = dir.resolve("live");
        Path end = dir.resolve("end");
        Files.createDirectories(live);
        Files.createDirectories(end);
        LiveHistory h = new LiveHistory(live.resolve("history.csv"), COLUMNS);
        h.add(new double[] {0, Math.PI, 1e-20});
        h.add(new double[] {1, -2.5e17, Double.POSITIVE_INFINITY});
        RunOutputs.writeHistory(end, new ExperimentResult(Map.of(), COLUMNS, h, List.of()));
        assertEquals(read(end.resolve("history.csv")), read(live.resolve("history.csv")));
    }

    @Test
    void aRowOfTheWrongWidthIsRefused(@TempDir Path dir) {
        LiveHistory h = new LiveHistory(dir.resolve("history.csv"), COLUMNS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.add(new double[] {1}));
        assertTrue(e.getMessage().contains("needs 3 values"), e.getMessage());
    }
}
