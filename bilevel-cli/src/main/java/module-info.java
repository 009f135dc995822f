/** The {@code bilevel} command. */
module io.github.bilevel.cli {
    requires io.github.bilevel.core;
    requires info.picocli;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires me.tongfei.progressbar;
    requires org.knowm.xchart;
    requires java.desktop;
    requires java.management;
    requires io.github.bilevel.cli.spi;

    uses io.github.bilevel.api.experiment.Experiment;
    uses io.github.bilevel.cli.spi.Subcommand;

    // picocli reflects on the command classes
    opens io.github.bilevel.cli to info.picocli;
}
