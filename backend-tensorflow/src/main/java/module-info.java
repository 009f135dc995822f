/**
 * Placeholder for the TensorFlow Java backend. It provides no backend yet: the kernels, compiled execution and the
 * deploy-time swap are the subject of the TensorFlow backend issue.
 */
module io.github.bilevel.backend.tensorflow {
    requires io.github.bilevel.api;
}
