/** Examples of embedding the core: no CLI, no globals. */
module io.github.bilevel.examples {
    requires io.github.bilevel.core;

    exports io.github.bilevel.examples;
}
