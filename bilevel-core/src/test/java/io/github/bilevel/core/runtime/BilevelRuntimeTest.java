package io.github.bilevel.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.BackendConfig;
import io.github.bilevel.api.spi.BackendProvider;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.discovery.BackendSelectionException;
import io.github.bilevel.core.reference.ReferenceBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BilevelRuntimeTest {

    private static BackendProvider named(String id, int priority) {
        return new BackendProvider() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public Backend create(BackendConfig config) {
                return new ReferenceBackend();
            }
        };
    }

    @Test
    void buildsFromDiscoveredProvidersAndReportsTheBrokenOne() {
        try (BilevelRuntime rt = BilevelRuntime.builder().dtype(DType.FLOAT64).selectionInputs(null, Map.of()).build()) {
            assertEquals("fake", rt.backendId());
            Tensor x = rt.ops().constant(new double[] {1, 2}, Shape.of(2));
            assertEquals(5.0, rt.ops().sum(rt.ops().square(x)).item(), 0.0);
            assertEquals(1, rt.warnings().size(), rt.warnings().toString());
            assertTrue(rt.warnings().get(0).contains("ThrowingBackendProvider"));
        }
    }

    @Test
    void noBackendFails() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class, () -> BilevelRuntime.builder()
                .backendProviders(List.of()).selectionInputs(null, Map.of()).build());
        assertTrue(e.getMessage().startsWith("No backend found."), e.getMessage());
    }

    @Test
    void unknownPropertyValueFails() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class, () -> BilevelRuntime.builder()
                .backendProviders(List.of(named("nd4j", 10))).selectionInputs("foo", Map.of()).build());
        assertTrue(e.getMessage().startsWith("Unknown backend 'foo' (requested by system property bilevel.backend)"),
                e.getMessage());
    }

    @Test
    void environmentVariableSelects() {
        try (BilevelRuntime rt = BilevelRuntime.builder().backendProviders(List.of(named("a", 10), named("b", 5)))
                .selectionInputs(null, Map.of("BILEVEL_BACKEND", "b")).build()) {
            assertEquals("b", rt.backendId());
        }
    }

    @Test
    void duplicateIdsFail() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class, () -> BilevelRuntime.builder()
                .backendProviders(List.of(named("x", 10), named("x", 5))).selectionInputs(null, Map.of()).build());
        assertTrue(e.getMessage().contains("two providers have the id 'x'"), e.getMessage());
    }

    @Test
    void closingTheRuntimeFreesTensorsStillHeld() {
        BilevelRuntime rt = BilevelRuntime.builder().backendProviders(List.of(named("r", 1)))
                .selectionInputs(null, Map.of()).build();
        Tensor t = rt.ops().scalar(3);
        rt.close();
        assertTrue(!t.isOpen());
        assertEquals(0, rt.engine().memory().liveBytes());
        rt.close();
    }
}
