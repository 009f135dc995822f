package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ListCommandTest {

    @Test
    void listsTheNd4jBackendWithoutLoadingIt() {
        StringWriter out = new StringWriter();
        CommandLine cli = BilevelCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("list");
        assertEquals(0, code);
        assertTrue(out.toString().contains("nd4j"), out.toString());
        assertTrue(out.toString().contains("Backends:"), out.toString());
    }

    @Test
    void listsTheBuiltInReferenceBackendAndEachStrategysOptions() {
        InProcess r = InProcess.run("list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  reference +by name only .*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  truncated-reverse +options: interval, store, truncate.*")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  forward( \\(.*\\))?")), r.out());
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        CommandLine cli = new CommandLine(new BilevelCommand());
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cli.execute("frobnicate"));
    }
}
