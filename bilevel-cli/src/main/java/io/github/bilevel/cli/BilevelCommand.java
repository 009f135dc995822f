package io.github.bilevel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code bilevel} command. */
@Command(name = "bilevel", mixinStandardHelpOptions = true, version = "bilevel 0.1.0-SNAPSHOT",
        description = "Gradient-based bilevel programming: hyperparameter optimization and meta-learning.",
        subcommands = {ListCommand.class, CommandLine.HelpCommand.class})
public final class BilevelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (0 success, 1 failure, 2 bad usage). */
    public static int run(String... args) {
        return new CommandLine(new BilevelCommand()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
