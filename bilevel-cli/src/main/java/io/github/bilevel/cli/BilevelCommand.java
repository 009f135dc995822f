package io.github.bilevel.cli;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.cli.spi.Subcommand;
import io.github.bilevel.cli.spi.VersionProvider;
import io.github.bilevel.core.discovery.BackendSelectionException;
import io.github.bilevel.core.discovery.Discovered;
import io.github.bilevel.core.discovery.ProvidersById;
import io.github.bilevel.core.discovery.ServiceDiscovery;
import java.util.Comparator;
import java.util.ServiceLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * Entry point of the {@code bilevel} command: its own subcommands, then those other modules provide through
 * {@link Subcommand} ({@code bench}, from bilevel-bench; docs/adr/0016), then {@code help}.
 */
@Command(name = "bilevel", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Gradient-based bilevel programming: hyperparameter optimization and meta-learning.",
        subcommands = {RunCommand.class, EvaluateCommand.class, SearchCommand.class, ListCommand.class,
                CheckCommand.class})
public final class BilevelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces of errors, and the informational messages of the libraries underneath "
                + "(ND4J, JavaCPP, TensorFlow).")
    boolean verbose;

    public static void main(String[] args) {
        Logging.configure(java.util.List.of(args));
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // plots are files: never reach for a display
        }
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (0 success, 1 failure, 2 bad usage or bad input). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line: errors print one line ({@code bilevel: message}), not a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BilevelCommand());
        addProvidedSubcommands(cli);
        cli.addSubcommand(new CommandLine.HelpCommand());
        CommandLine run = cli.getSubcommands().get("run");
        ExperimentHelp.install(run, () -> ((RunCommand) run.getCommand()).experimentId);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine where = e.getCommandLine();
            String name = where.getCommandSpec().qualifiedName();
            where.getErr().println(name + ": " + usageError(e.getMessage()) + "; see " + name + " --help");
            where.getErr().flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || (parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--verbose"));
            Throwable input = inputError(e);
            Throwable shown = input != null ? input : unwrapped(e);
            String message = shown.getMessage() == null ? shown.toString() : shown.getMessage();
            // One line: parsers (YAML, JSON) put line breaks in their messages.
            message = message.strip().replaceAll("\\s*\\R\\s*", " ");
            if (input == null && !verbose) {
                message += " (" + shown.getClass().getSimpleName() + "; run again with --verbose for the stack trace)";
            }
            commandLine.getErr().println("bilevel: " + message);
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return input != null ? 2 : 1;
        });
        return cli;
    }

    /**
     * The subcommands other modules provide, in the order of their names. One that fails to load, or whose name the
     * command has already, is named in a warning and left out; the others stay.
     */
    private static void addProvidedSubcommands(CommandLine cli) {
        Discovered<Subcommand> found = ServiceDiscovery.discover(Subcommand.class,
                ServiceLoader.load(Subcommand.class, BilevelCommand.class.getClassLoader()));
        found.failures().forEach(f -> cli.getErr().println("warning: " + f));
        found.providers().stream().sorted(Comparator.comparing(f -> f.provider().name())).forEach(f -> {
            String name = f.provider().name();
            if (cli.getSubcommands().containsKey(name)) {
                cli.getErr().println("warning: subcommand '" + name + "' of " + f.origin() + " left out: bilevel has "
                        + "a command of that name already");
                return;
            }
            cli.addSubcommand(name, f.provider().newCommand());
        });
        cli.getErr().flush();
    }

    private static final java.util.regex.Pattern INVALID_VALUE = java.util.regex.Pattern.compile(
            "Invalid value for (?:option|positional parameter) '?([^':]+)'?: (?:'(.*)' is not an? (\\w+)\\b.*|(.*))");

    /**
     * A picocli usage error in the command's words, on one line: {@code --seed: 'abc' is not a whole number} for
     * picocli's "Invalid value for option '--seed': 'abc' is not a long".
     */
    static String usageError(String message) {
        String m = (message == null ? "bad usage" : message).strip().replaceAll("\\s*\\R\\s*", " ");
        java.util.regex.Matcher x = INVALID_VALUE.matcher(m);
        if (!x.matches()) {
            return m;
        }
        if (x.group(4) != null) {
            return x.group(1) + ": " + x.group(4);
        }
        String type = switch (x.group(3)) {
            case "int", "long", "short", "byte", "integer" -> "a whole number";
            case "double", "float" -> "a number";
            default -> "a valid " + x.group(3);
        };
        return x.group(1) + ": '" + x.group(2) + "' is not " + type;
    }

    /**
     * The user-input error in {@code e}'s chain of causes (exit 2), or null for a failure of the program (exit 1): bad
     * usage, configuration or input data is an {@link InvalidInputException} (a data file the readers reject is one:
     * {@code DataFormatException}), a backend that cannot be selected, two plugins with one id, or a file that does not
     * exist. Any other exception, an
     * {@code IllegalArgumentException} from the engine included, is a failure. The chain is searched because a task
     * run on another thread arrives wrapped, and it must end the same way as on one thread.
     */
    static Throwable inputError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidInputException
                    || t instanceof BackendSelectionException || t instanceof ProvidersById.DuplicateProviderException
                    || t instanceof java.nio.file.NoSuchFileException) {
                return t;
            }
        }
        return null;
    }

    /** {@code e} without the wrappers of concurrent execution. */
    private static Throwable unwrapped(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException
                || t instanceof java.lang.reflect.InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
