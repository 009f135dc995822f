package io.github.bilevel.cli.spi;

/**
 * A subcommand of {@code bilevel} that another module provides ({@code provides io.github.bilevel.cli.spi.Subcommand
 * with ...} and a {@code META-INF/services} entry of the same name, for the class path). The command adds each one it
 * finds after its own subcommands, in the order of their names; it runs under the command's error handling (one line
 * and exit code 2 for an {@link IllegalArgumentException}, 1 for another failure) and inherits {@code --verbose}.
 */
public interface Subcommand {

    /** The name typed after {@code bilevel}, for example {@code bench}; never one of the command's own. */
    String name();

    /**
     * A new command object for one invocation: an instance of a class annotated with picocli's
     * {@link picocli.CommandLine.Command} (whose package is open to picocli), implementing
     * {@link java.util.concurrent.Callable Callable&lt;Integer&gt;} (the exit code) or {@link Runnable}.
     */
    Object newCommand();
}
