/**
 * {@code bilevel bench}: the named workloads (W1 to W5 and the dense-kernel probes), timed the same way every time.
 * Added to the command through {@link io.github.bilevel.cli.spi.Subcommand} (docs/adr/0016); it may use plugins for
 * its workloads (W2 times the meta-learning plugin's model). Exports nothing.
 */
module io.github.bilevel.bench {
    requires io.github.bilevel.cli.spi;
    requires io.github.bilevel.core;
    requires io.github.bilevel.data;
    requires io.github.bilevel.plugin.meta;
    requires com.fasterxml.jackson.databind;
    requires java.management;

    provides io.github.bilevel.cli.spi.Subcommand with io.github.bilevel.bench.BenchSubcommand;

    // picocli reflects on the command class
    opens io.github.bilevel.bench to info.picocli;
}
