/**
 * The service a module provides to add a subcommand to the {@code bilevel} command, and the version every command
 * prints. The command finds the providers with {@link java.util.ServiceLoader} (docs/adr/0016).
 */
module io.github.bilevel.cli.spi {
    requires transitive info.picocli;

    exports io.github.bilevel.cli.spi;
}
