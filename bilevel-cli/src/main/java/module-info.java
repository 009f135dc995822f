/** The {@code bilevel} command. */
module io.github.bilevel.cli {
    requires io.github.bilevel.core;
    requires info.picocli;
    requires org.slf4j;

    // picocli reflects on the command classes
    opens io.github.bilevel.cli to info.picocli;
}
