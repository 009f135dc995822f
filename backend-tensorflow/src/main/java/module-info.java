/**
 * The TensorFlow backend: the kernels of the backend SPI on TensorFlow Java (CPU), and compiled execution of recorded
 * kernel graphs ({@link io.github.bilevel.api.spi.GraphCompiler}). TensorFlow Java ships real module descriptors, so
 * this module runs on the module path as well as on the class path (through META-INF/services).
 */
module io.github.bilevel.backend.tensorflow {
    requires io.github.bilevel.api;
    // org.tensorflow; brings org.tensorflow.ndarray and tensorflow.nativelib (ConfigProto) transitively
    requires tensorflow;

    provides io.github.bilevel.api.spi.BackendProvider
            with io.github.bilevel.backend.tensorflow.TensorFlowBackendProvider;
}
