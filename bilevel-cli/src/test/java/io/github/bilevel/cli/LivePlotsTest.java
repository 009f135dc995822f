package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.experiment.Plot;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live plots: redrawn at most every 10 s and every 1/20 of the elapsed time, never after the final plots. */
class LivePlotsTest {
    private static final long S = 1_000_000_000L;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static Plot plot(int points) {
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = i;
            y[i] = 1.0 / (i + 1);
        }
        return new Plot("objective.png", "Objective", "iteration", "E", Plot.Kind.LINE, x, Map.of("E", y));
    }

    @Test
    void redrawsAreThrottled(@TempDir Path tmp) throws Exception {
        AtomicLong now = new AtomicLong(0);
        AtomicInteger calls = new AtomicInteger();
        LivePlots live = new LivePlots(tmp, line -> { }, now::get);
        assertFalse(live.redraw(), "nothing registered");
        live.register(() -> {
            calls.incrementAndGet();
            return List.of(plot(calls.get() + 1));
        });
        now.set(9 * S);
        assertFalse(live.redraw(), "not within the first 10 s");
        now.set(10 * S);
        assertTrue(live.redraw());
        assertTrue(Files.size(tmp.resolve("objective.png")) > 1000);
        now.set(19 * S);
        assertFalse(live.redraw(), "10 s since the last redraw have not passed");
        now.set(20 * S);
        assertTrue(live.redraw());
        // After 1,000 s of run, redraws come at most every 50 s.
        now.set(1000 * S);
        assertTrue(live.redraw());
        now.set(1040 * S);
        assertFalse(live.redraw());
        now.set(1053 * S);
        assertTrue(live.redraw());
        assertEquals(4, calls.get());
        live.writeFinal(List.of(plot(50)));
        now.set(5000 * S);
        assertFalse(live.redraw(), "the final plots are not overwritten");
        assertEquals(4, calls.get());
    }

    @Test
    void aFailingSupplierIsReportedOnceAndDoesNotStopTheRun(@TempDir Path tmp) {
        AtomicLong now = new AtomicLong(0);
        StringWriter err = new StringWriter();
        LivePlots live = new LivePlots(tmp, line -> err.append(line).append('\n'), now::get);
        live.register(() -> {
            throw new IllegalStateException("history changed while copied");
        });
        now.set(100 * S);
        assertTrue(live.redraw());
        now.set(200 * S);
        assertTrue(live.redraw());
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("history changed while copied"), err.toString());
    }
}
