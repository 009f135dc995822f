package io.github.bilevel.plugin.ho;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.experiment.Plot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plots hyper-cleaning draws during the run (no final figures yet) and at its end, from one method. */
class HyperCleaningPlotsTest {
    private static final double N = Double.NaN;

    // iteration, outer objective, validation accuracy, test accuracy, weights sum, weights zero, seconds
    private static final List<double[]> HISTORY = List.of(
            new double[] {0, 1.4, N, N, 2, 0, 1},
            new double[] {1, 1.3, 0.80, 0.81, 2, 1, 1},
            new double[] {2, 1.2, N, N, 2, 1, 1},
            new double[] {3, 1.1, 0.82, 0.83, 2, 2, 1});

    private static final double[] WEIGHTS = {0, 0.9, 0, 1};
    private static final boolean[] CORRUPTED = {true, false, true, false};

    @Test
    void accuracyIsDrawnAtTheEvaluatedIterationsAndTheFinalFiguresAsReferenceLines() {
        List<Plot> live = HyperCleaning.plots(HISTORY, WEIGHTS, CORRUPTED, null);
        List<Plot> last = HyperCleaning.plots(HISTORY, WEIGHTS, CORRUPTED, new double[] {0.9083, 0.8838, 0.9094});
        assertEquals(List.of("outer_objective.png", "accuracy.png", "weights_histogram.png"),
                last.stream().map(Plot::fileName).toList());
        assertEquals(live.stream().map(Plot::fileName).toList(), last.stream().map(Plot::fileName).toList());
        Plot accuracy = last.get(1);
        assertArrayEquals(new double[] {1, 3}, accuracy.x());
        assertArrayEquals(new double[] {0.81, 0.83}, accuracy.series().get("test"));
        assertEquals(List.of(0.9083, 0.8838, 0.9094),
                accuracy.references().stream().map(Plot.ReferenceLine::value).toList());
        assertTrue(accuracy.references().get(1).label().contains("baseline"));
        assertTrue(live.get(1).references().isEmpty(), "no final figures during the run");
        assertArrayEquals(new double[] {0.9, 1}, last.get(2).series().get("clean examples"));
        assertArrayEquals(new double[] {0, 0}, last.get(2).series().get("corrupted examples"));
        assertArrayEquals(new double[] {1.4, 1.3, 1.2, 1.1}, last.get(0).series().get("E"));
    }
}
