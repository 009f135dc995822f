package io.github.bilevel.core.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.api.spi.BackendProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test class path registers one working and one throwing backend provider (see META-INF/services). */
class ServiceDiscoveryTest {

    @Test
    void aProviderThatThrowsIsReportedAndTheOthersStillLoad() {
        Discovered<BackendProvider> d = ServiceDiscovery.discover(BackendProvider.class);
        List<String> ids = d.providers().stream().map(f -> f.provider().id()).toList();
        assertEquals(List.of("fake"), ids);
        assertEquals(1, d.failures().size(), d.failures().toString());
        String failure = d.failures().get(0);
        assertTrue(failure.contains(ThrowingBackendProvider.class.getName()), failure);
        assertTrue(failure.contains("broken on purpose"), failure);
    }
}
