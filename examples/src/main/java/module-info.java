/** Examples of embedding the core: no CLI, no globals. */
module io.github.bilevel.examples {
    requires io.github.bilevel.core;
    requires io.github.bilevel.data;
    requires io.github.bilevel.plugin.meta;

    exports io.github.bilevel.examples;
}
