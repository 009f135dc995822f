package io.github.bilevel.plugin.ho;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class FlagScoresTest {

    @Test
    void precisionRecallAndF1OfFlaggingCorruptedExamples() {
        double[] weights = {0.0, 0.0, 0.3, 1.0, 0.0, 0.9};
        boolean[] corrupted = {true, true, true, false, false, false};
        // exact zero: flagged {0, 1, 4}: tp 2, fp 1, fn 1
        assertArrayEquals(new double[] {2 / 3.0, 2 / 3.0, 2 / 3.0},
                HyperCleaning.flagScores(weights, corrupted, 0, true), 1e-15);
        // below 0.5: flagged {0, 1, 2, 4}: tp 3, fp 1, fn 0
        assertArrayEquals(new double[] {0.75, 1.0, 2 * 0.75 / 1.75},
                HyperCleaning.flagScores(weights, corrupted, 0.5, false), 1e-15);
    }
}
