package io.github.bilevel.core.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.bilevel.api.spi.BackendProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendSelectorTest {

    private static BackendProvider provider(String id, int priority, boolean available) {
        BackendProvider p = mock(BackendProvider.class);
        when(p.id()).thenReturn(id);
        when(p.priority()).thenReturn(priority);
        when(p.isAvailable()).thenReturn(available);
        return p;
    }

    private static Discovered<BackendProvider> found(BackendProvider... providers) {
        return new Discovered<>(java.util.Arrays.stream(providers)
                .map(p -> new Discovered.Found<>(p, "/jars/" + p.id() + ".jar")).toList(), List.of());
    }

    @Test
    void noBackendIsAClearError() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> BackendSelector.select(found(), null, null, null));
        assertEquals("No backend found. Add backend-nd4j or backend-tensorflow to the class path or module path, or "
                + "name the built-in pure-Java backend 'reference' (slow; for tests and tiny problems).", e.getMessage());
    }

    @Test
    void theReferenceBackendIsChosenByNameOnly() {
        assertSame(BackendSelector.REFERENCE, BackendSelector.select(found(), "reference", null, null));
        assertSame(BackendSelector.REFERENCE, BackendSelector.select(found(provider("nd4j", 10, true)), null, null,
                " Reference "));
        BackendProvider nd4j = provider("nd4j", 10, true);
        assertSame(nd4j, BackendSelector.select(found(nd4j), null, null, null));
        // A discovered provider with that id takes precedence over the built-in one.
        BackendProvider mine = provider("reference", 1, true);
        assertSame(mine, BackendSelector.select(found(nd4j, mine), "reference", null, null));
    }

    @Test
    void noBackendMentionsProvidersThatFailedToLoad() {
        Discovered<BackendProvider> none = new Discovered<>(List.of(), List.of("Skipped com.x.Broken (/jars/x.jar): boom"));
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> BackendSelector.select(none, null, null, null));
        assertTrue(e.getMessage().contains("com.x.Broken (/jars/x.jar): boom"), e.getMessage());
    }

    @Test
    void unknownIdFromTheSystemPropertyNamesWhatWasFound() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> BackendSelector.select(found(provider("nd4j", 10, true)), null, "foo", null));
        assertTrue(e.getMessage().startsWith("Unknown backend 'foo' (requested by system property bilevel.backend)."),
                e.getMessage());
        assertTrue(e.getMessage().contains("Found: nd4j [priority 10"), e.getMessage());
        assertTrue(e.getMessage().contains("/jars/nd4j.jar"), e.getMessage());
    }

    @Test
    void duplicateIdsNameBothProvidersAndJars() {
        BackendProvider a = provider("nd4j", 10, true);
        BackendProvider b = provider("nd4j", 5, true);
        Discovered<BackendProvider> d = new Discovered<>(List.of(new Discovered.Found<>(a, "/jars/a.jar"),
                new Discovered.Found<>(b, "/jars/b.jar")), List.of());
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> BackendSelector.select(d, null, null, null));
        assertTrue(e.getMessage().contains("two providers have the id 'nd4j'"), e.getMessage());
        assertTrue(e.getMessage().contains("/jars/a.jar") && e.getMessage().contains("/jars/b.jar"), e.getMessage());
    }

    @Test
    void orderIsExplicitThenPropertyThenEnvironmentThenPriority() {
        BackendProvider nd4j = provider("nd4j", 10, true);
        BackendProvider tf = provider("tensorflow", 20, true);
        Discovered<BackendProvider> both = found(nd4j, tf);
        assertSame(tf, BackendSelector.select(both, null, null, null));
        assertSame(nd4j, BackendSelector.select(both, null, null, "nd4j"));
        assertSame(tf, BackendSelector.select(both, null, "tensorflow", "nd4j"));
        assertSame(nd4j, BackendSelector.select(both, "ND4J", "tensorflow", "tensorflow"));
    }

    @Test
    void unavailableProvidersAreSkippedByPriorityAndReportedWhenNamed() {
        BackendProvider nd4j = provider("nd4j", 10, true);
        BackendProvider tf = provider("tensorflow", 20, false);
        assertSame(nd4j, BackendSelector.select(found(nd4j, tf), null, null, null));
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> BackendSelector.select(found(nd4j, tf), null, null, "tensorflow"));
        assertTrue(e.getMessage().contains("present but its libraries are missing"), e.getMessage());
    }

    @Test
    void equalPriorityIsAnErrorNamingBoth() {
        BackendSelectionException e = assertThrows(BackendSelectionException.class,
                () -> BackendSelector.select(found(provider("a", 5, true), provider("b", 5, true)), null, null, null));
        assertTrue(e.getMessage().contains("'a' and 'b' have the same priority 5"), e.getMessage());
    }
}
