package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's text and what a terminal shows of it, without a terminal (see ConsoleIT for a real one). */
class ConsoleTest {

    @Test
    void progressTextHasSeparators() {
        assertEquals("retraining 2/8 (25%), 4.0 it/s, ETA 0:02, E=1.6502",
                Console.render("retraining", 2, 8, 4.0, Duration.ofSeconds(1), false, "E=1.6502"));
        assertEquals("outer iterations  7/40 (17%), 0.50 it/s, ETA 1:06",
                Console.render("outer iterations", 7, 40, 0.5, Duration.ofSeconds(14), false, ""));
        assertEquals("outer iterations 40/40 (100%), 250 it/s, in 1:02:03, E=1.2741",
                Console.render("outer iterations", 40, 40, 250, Duration.ofSeconds(3723), true, "E=1.2741"));
        assertEquals("x 0/5 (0%)", Console.render("x", 0, 5, Double.NaN, Duration.ZERO, false, null));
    }

    @Test
    void underABudgetOfTrainingTimeTheBarExpectsWhatTheTrainingRateFitsIntoIt() {
        StringWriter out = new StringWriter();
        PrintWriter w = new PrintWriter(out);
        // one unit per second of training time, the 100 s budget reported as it is spent: 10 units done, about 91
        // to go, however fast the wall clock runs here (validations between units count on it, not in the budget)
        try (ConsoleProgress p = new ConsoleProgress("meta-training", 1_000_000, new Console(w, w, Console.Mode.BAR))) {
            for (int i = 0; i < 10; i++) {
                p.timeBudget(100, i);
                p.step("");
            }
            assertEquals(101, p.expectedUnits());
        }
    }

    @Test
    void messagesStayAboveTheBarAndThePhaseEndsWithItsFinalLine() {
        StringWriter out = new StringWriter();
        PrintWriter w = new PrintWriter(out);
        Console console = new Console(w, w, Console.Mode.BAR);
        try (ConsoleProgress p = new ConsoleProgress("retraining 3 models", 30, console)) {
            for (int m = 0; m < 3; m++) {
                for (int i = 0; i < 10; i++) {
                    p.step("");
                }
                console.message("test accuracy (model " + m + "): 9" + m + ".00%");
            }
        }
        console.message("done");
        List<String> screen = Screen.of(out.toString(), 120);
        assertEquals(5, screen.size(), String.join("\n", screen));
        assertEquals(List.of("test accuracy (model 0): 90.00%", "test accuracy (model 1): 91.00%",
                "test accuracy (model 2): 92.00%"), screen.subList(0, 3));
        assertTrue(screen.get(3).startsWith("retraining 3 models 30/30 (100%)") && screen.get(3).contains(", in 0:00"),
                screen.get(3));
        assertEquals("done", screen.get(4));
    }

    @Test
    void plainLinesCarryNoControlCharacters() {
        StringWriter out = new StringWriter();
        PrintWriter w = new PrintWriter(out);
        Console console = new Console(w, w, Console.Mode.LINES);
        try (ConsoleProgress p = new ConsoleProgress("outer iterations", 4, console)) {
            for (int i = 0; i < 4; i++) {
                p.step("E=0.5");
                console.message("result " + i);
            }
        }
        String text = out.toString();
        assertFalse(text.contains("\r") || text.contains("\033"), text);
        List<String> lines = text.lines().toList();
        assertEquals(List.of("result 0", "result 1", "result 2", "result 3"), lines.subList(0, 4));
        assertTrue(lines.get(4).matches("outer iterations 4/4 \\(100%\\)(, [0-9.]+ it/s)?, in 0:00, E=0\\.5"),
                lines.get(4));
        assertEquals(5, lines.size(), text);
    }

    @Test
    void noProgressAtAllWithNone() {
        StringWriter out = new StringWriter();
        PrintWriter w = new PrintWriter(out);
        Console console = new Console(w, w, Console.Mode.NONE);
        try (ConsoleProgress p = new ConsoleProgress("phase", 2, console)) {
            p.step("");
            console.message("kept");
            p.step("");
        }
        assertEquals("kept" + System.lineSeparator(), out.toString());
    }
}
