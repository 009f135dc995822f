package io.github.bilevel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.cli.spi.Subcommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bilevel bench} on its own: found as a subcommand, its bad input refused, a small workload measured. */
class BenchCommandTest {

    @Test
    void theCommandFindsTheBenchAsAProvidedSubcommand() {
        List<Subcommand> found = ServiceLoader.load(Subcommand.class).stream().map(ServiceLoader.Provider::get)
                .toList();
        assertEquals(1, found.size(), found.toString());
        assertEquals("bench", found.get(0).name());
        Object command = found.get(0).newCommand();
        assertEquals("bench", new CommandLine(command).getCommandName());
        assertTrue(command != found.get(0).newCommand(), "a new command object per invocation");
    }

    @Test
    void badInputIsRefusedWithAMessageThatQuotesIt() {
        for (String[] c : new String[][] {
            {"nope", "Unknown workload 'nope'. Workloads: [hypergradient, meta-learning, scaling, overhead, horizon]"},
            {"--horizon-compile=maybe", "--horizon-compile must be on or off, got 'maybe'"},
            {"--horizons=4,0", "--horizons must list inner step counts >= 1, got [4, 0]"},
            {"--repeats=0", "--repeats must be >= 1, got 0"}}) {
            BenchCommand bench = new BenchCommand();
            new CommandLine(bench).parseArgs(c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bench::call);
            assertEquals(c[1], e.getMessage());
        }
    }

    @Test
    void horizonPrintsOneJsonObjectPerMeasurementAndTheFit() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out, true))
                .execute("horizon", "--horizons", "2,4", "--backend", "nd4j", "--repeats", "1", "--json");
        assertEquals(0, code, out.toString());
        List<String> rows = out.toString().lines().toList();
        assertEquals(3, rows.size(), out.toString());
        for (int i = 0; i < 2; i++) {
            assertTrue(rows.get(i).startsWith("{\"workload\":\"W5 horizon\",\"backend\":\"nd4j\",\"variant\":\"T="
                    + (2 << i) + " reverse, float64, 50x10 weights\",\"unit\":\"ms\"")
                    && rows.get(i).contains("\"peak_rss_bytes\":"), rows.get(i));
        }
        assertTrue(rows.get(2).contains("linear in T with R2") && rows.get(2).contains("\"unit\":\"fit\""),
                rows.get(2));
    }
}
