package io.github.bilevel.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The example on each backend of the examples' class path: ND4J and TensorFlow natives load side by side. */
class LearnedRegularizationTest {

    @Test
    void tensorFlowIsChosenWhenNoBackendIsNamed() {
        try (BilevelRuntime rt = BilevelRuntime.builder().selectionInputs(null, Map.of()).build()) {
            assertEquals("tensorflow", rt.backendId(), "the provider with the highest priority");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nd4j", "tensorflow"})
    void learnsStrongerRegularizationOnNoiseFeaturesAndLowersValidationLoss(String backend) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BilevelRuntime rt = BilevelRuntime.builder().backend(backend).dtype(DType.FLOAT64)
                .selectionInputs(null, Map.of()).build()) {
            assertEquals(backend, rt.backendId());
            double[] r = LearnedRegularization.run(rt, 40, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertTrue(r[1] < r[0], "validation loss did not fall: " + r[0] + " -> " + r[1]);
            assertTrue(r[3] > r[2], "noise features should end up more regularized: " + r[2] + " vs " + r[3]);
            assertEquals(0, rt.engine().memory().liveBytes(), "tensors left behind");
        }
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("backend " + backend));
    }
}
