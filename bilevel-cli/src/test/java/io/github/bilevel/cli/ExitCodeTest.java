package io.github.bilevel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.InvalidInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The exit status follows what went wrong, not the exception's type alone: input the user can fix exits 2 with its
 * message, anything else exits 1 with a hint to {@code --verbose}, and a task's error that arrives wrapped from another
 * thread exits as it would on one.
 */
class ExitCodeTest {

    /** A subcommand that throws what the test gives it, under the command's real exception handling. */
    @CommandLine.Command(name = "fail")
    static final class Fail implements Runnable {
        private final Supplier<RuntimeException> error;

        Fail(Supplier<RuntimeException> error) {
            this.error = error;
        }

        @Override
        public void run() {
            throw error.get();
        }
    }

    private record Outcome(int code, String err) {
    }

    private static Outcome run(Supplier<RuntimeException> error, String... more) {
        CommandLine cli = BilevelCommand.commandLine();
        cli.addSubcommand("fail", new Fail(error));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.getSubcommands().get("fail").setErr(new PrintWriter(err, true));
        String[] args = new String[more.length + 1];
        args[0] = "fail";
        System.arraycopy(more, 0, args, 1, more.length);
        return new Outcome(cli.execute(args), err.toString());
    }

    /** What a task run on a pool thread throws, as the executor hands it back. */
    private static RuntimeException wrapped(RuntimeException cause) {
        return new IllegalStateException("A task of the meta-batch failed",
                new ExecutionException(cause.toString(), cause));
    }

    @Test
    void anIllegalArgumentFromTheEngineIsAFailureWithAHint() {
        Outcome o = run(() -> new IllegalArgumentException("Shapes [2, 3] and [4] do not broadcast"));
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().startsWith("bilevel: Shapes [2, 3] and [4] do not broadcast (IllegalArgumentException; run "
                + "again with --verbose for the stack trace)"), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
    }

    @Test
    void withVerboseAFailurePrintsItsStackTrace() {
        Outcome o = run(() -> new IllegalArgumentException("Shapes [2, 3] and [4] do not broadcast"), "--verbose");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("\tat "), o.err());
        assertFalse(o.err().contains("run again with --verbose"), o.err());
    }

    @Test
    void invalidInputExitsTwoWithItsMessageAlone() {
        Outcome o = run(() -> new InvalidInputException("Config 'train' must be a whole number, got 'ten'"));
        assertEquals(2, o.code(), o.err());
        assertEquals("bilevel: Config 'train' must be a whole number, got 'ten'", o.err().strip());
    }

    @Test
    void invalidInputFromATaskOnAnotherThreadExitsAsOnOne() {
        Outcome o = run(() -> wrapped(new InvalidInputException("Character 3 has 2 drawings; 5-shot needs 6")));
        assertEquals(2, o.code(), o.err());
        assertEquals("bilevel: Character 3 has 2 drawings; 5-shot needs 6", o.err().strip());
    }

    @Test
    void anEngineErrorFromATaskOnAnotherThreadIsStillAFailure() {
        Outcome o = run(() -> wrapped(new IllegalArgumentException("Shapes [2, 3] and [4] do not broadcast")));
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("run again with --verbose"), o.err());
    }
}
