package io.github.bilevel.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project's service declarations agree with each other: on the module path a provider is found only if some module
 * {@code uses} its service, and on the class path only through {@code META-INF/services}; the two must list the same
 * providers. Read from the built modules on this test's class path (module-info, or for class-path-only modules the
 * services files, which make their automatic-module descriptors).
 */
class ServiceDeclarationsTest {
    /** Services the project loads but leaves to third-party plugins (docs/PLUGINS.md). */
    private static final Set<String> FOR_THIRD_PARTIES = Set.of("io.github.bilevel.api.Problem");

    private static final List<ModuleReference> MODULES = new ArrayList<>();

    @BeforeAll
    static void findModules() {
        Path[] entries = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).filter(Files::exists).toArray(Path[]::new);
        for (Path p : entries) {
            try {
                ModuleFinder.of(p).findAll().stream()
                        .filter(m -> m.descriptor().name().startsWith("io.github.bilevel")
                                || m.location().map(l -> l.toString().contains("/bilevel-spark/")
                                || l.toString().contains("/backend-nd4j/")).orElse(false))
                        .forEach(MODULES::add);
            } catch (java.lang.module.FindException e) {
                // not a module or a jar a module can be made of (for example a test-classes folder): skip it
            }
        }
        assertTrue(MODULES.size() >= 10, "too few of the project's modules found: " + names());
    }

    private static List<String> names() {
        return MODULES.stream().map(m -> m.descriptor().name()).toList();
    }

    private static Map<String, Set<String>> provided() {
        Map<String, Set<String>> out = new TreeMap<>();
        for (ModuleReference m : MODULES) {
            for (ModuleDescriptor.Provides p : m.descriptor().provides()) {
                out.computeIfAbsent(p.service(), k -> new TreeSet<>()).add(m.descriptor().name());
            }
        }
        return out;
    }

    private static Set<String> used() {
        Set<String> out = new TreeSet<>();
        MODULES.forEach(m -> out.addAll(m.descriptor().uses()));
        return out;
    }

    @Test
    void everyUsedServiceHasAProviderInTheProjectOrIsLeftToPlugins() {
        Set<String> unprovided = new TreeSet<>(used());
        unprovided.removeAll(provided().keySet());
        unprovided.removeAll(FOR_THIRD_PARTIES);
        assertEquals(Set.of(), unprovided, "services some module uses but nobody provides");
    }

    @Test
    void everyProvidedServiceIsUsedBySomeModule() {
        Set<String> unused = new TreeSet<>(provided().keySet());
        unused.removeAll(used());
        assertEquals(Set.of(), unused, "services provided that no module declares it uses (never found on the module "
                + "path): " + provided());
    }

    @Test
    void moduleInfoProvidesMatchTheServicesFiles() throws IOException {
        int checked = 0;
        for (ModuleReference m : MODULES) {
            ModuleDescriptor d = m.descriptor();
            if (d.isAutomatic()) {
                continue; // its provides are read from the services files: equal by construction
            }
            try (ModuleReader r = m.open()) {
                for (ModuleDescriptor.Provides p : d.provides()) {
                    Optional<java.io.InputStream> in = r.open("META-INF/services/" + p.service());
                    assertTrue(in.isPresent(), d.name() + " provides " + p.service() + " but has no services file for "
                            + "the class path");
                    List<String> listed;
                    try (java.io.InputStream s = in.get()) {
                        listed = new String(s.readAllBytes(), StandardCharsets.UTF_8).lines()
                                .map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
                    }
                    assertEquals(new TreeSet<>(p.providers()), new TreeSet<>(listed), d.name() + ": module-info and "
                            + "META-INF/services/" + p.service() + " list different providers");
                    checked++;
                }
            }
        }
        assertTrue(checked >= 8, "only " + checked + " provides clauses checked among " + names());
    }
}
