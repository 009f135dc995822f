package io.github.bilevel.bench;

import io.github.bilevel.cli.spi.Subcommand;

/** Adds {@code bilevel bench} to the command. */
public final class BenchSubcommand implements Subcommand {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public Object newCommand() {
        return new BenchCommand();
    }
}
