/** Data readers and embedded data sets. Depends on nothing but the JDK. */
module io.github.bilevel.data {
    exports io.github.bilevel.data;
    exports io.github.bilevel.data.mnist;
    exports io.github.bilevel.data.digits;

    // embedded data files are read with Class.getResourceAsStream from this module
    opens io.github.bilevel.data.mnist;
    opens io.github.bilevel.data.digits;
}
