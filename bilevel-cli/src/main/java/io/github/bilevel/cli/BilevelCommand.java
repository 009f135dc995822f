package io.github.bilevel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code bilevel} command. */
@Command(name = "bilevel", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Gradient-based bilevel programming: hyperparameter optimization and meta-learning.",
        subcommands = {RunCommand.class, ListCommand.class, CheckCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class BilevelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces of errors, and the informational messages of the libraries underneath "
                + "(ND4J, JavaCPP, TensorFlow).")
    boolean verbose;

    public static void main(String[] args) {
        Logging.configure(java.util.List.of(args));
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (0 success, 1 failure, 2 bad usage or bad input). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line: errors print one line ({@code bilevel: message}), not a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BilevelCommand());
        CommandLine run = cli.getSubcommands().get("run");
        ExperimentHelp.install(run, () -> ((RunCommand) run.getCommand()).experimentId);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || (parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--verbose"));
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            // One line: parsers (YAML, JSON) put line breaks in their messages.
            commandLine.getErr().println("bilevel: " + message.strip().replaceAll("\\s*\\R\\s*", " "));
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return isInputError(e) ? 2 : 1;
        });
        return cli;
    }

    /** Bad usage, configuration or input data (exit 2), as opposed to a failure at run time (exit 1). */
    static boolean isInputError(Throwable e) {
        return e instanceof IllegalArgumentException
                || e instanceof io.github.bilevel.core.discovery.BackendSelectionException
                || e instanceof java.nio.file.NoSuchFileException;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
