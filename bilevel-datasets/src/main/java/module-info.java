/** Data readers and embedded data sets. Depends on nothing but the JDK (java.desktop for PNG and JPEG decoding). */
module io.github.bilevel.data {
    requires java.desktop;
    // for InvalidInputException alone, the type of bad input the command reports with exit status 2
    requires transitive io.github.bilevel.api;

    exports io.github.bilevel.data;
    exports io.github.bilevel.data.mnist;
    exports io.github.bilevel.data.digits;
    exports io.github.bilevel.data.omniglot;
    exports io.github.bilevel.data.miniimagenet;

    // embedded data files are read with Class.getResourceAsStream from this module
    opens io.github.bilevel.data.mnist;
    opens io.github.bilevel.data.digits;
    opens io.github.bilevel.data.omniglot;
}
