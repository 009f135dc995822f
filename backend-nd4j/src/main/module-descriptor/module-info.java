/**
 * The ND4J backend. ND4J 1.0.0-M2.1 ships broken module descriptors, so this module runs on the class path, where it
 * is found through META-INF/services; this descriptor states the intended module shape for the day ND4J's are fixed.
 * It is compiled in a separate step against the API only.
 */
module io.github.bilevel.backend.nd4j {
    requires io.github.bilevel.api;

    provides io.github.bilevel.api.spi.BackendProvider with io.github.bilevel.backend.nd4j.Nd4jBackendProvider;
}
