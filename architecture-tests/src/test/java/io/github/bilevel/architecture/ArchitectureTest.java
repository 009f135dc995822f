package io.github.bilevel.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each rule holds on the real code and fails on a planted violation under the {@code fixtures} package. */
class ArchitectureTest {
    private static final String ROOT = "io.github.bilevel";
    private static JavaClasses project;
    private static JavaClasses fixtures;

    @BeforeAll
    static void importClasses() {
        project = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TEST_FIXTURES)
                .importPackages(ROOT);
        fixtures = new ClassFileImporter().importPackages("fixtures");
    }

    private static void holdsAndCatchesItsViolation(Function<String, ArchRule> rule) {
        rule.apply(ROOT).check(project);
        AssertionError planted = assertThrows(AssertionError.class, () -> rule.apply("fixtures").check(fixtures));
        assertTrue(planted.getMessage().contains("fixtures."), planted.getMessage());
    }

    @Test
    void theImportSeesEveryKindOfModule() {
        for (String pkg : new String[] {ROOT + ".api", ROOT + ".support", ROOT + ".core", ROOT + ".plugin.implicit", ROOT + ".plugin.ho",
                ROOT + ".data", ROOT + ".backend.nd4j", ROOT + ".backend.tensorflow",
                ROOT + ".testkit", ROOT + ".cli", ROOT + ".cli.spi", ROOT + ".bench", ROOT + ".spark"}) {
            assertFalse(project.that(com.tngtech.archunit.base.DescribedPredicate.describe(pkg,
                    (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().startsWith(pkg))).isEmpty(),
                    "no classes imported from " + pkg + ": add the module to architecture-tests' dependencies");
        }
    }

    @Test
    void apiDependsOnNothing() {
        holdsAndCatchesItsViolation(ArchitectureRules::apiDependsOnNothing);
    }

    @Test
    void pluginsDependOnlyOnApi() {
        holdsAndCatchesItsViolation(ArchitectureRules::pluginsDependOnlyOnApi);
    }

    @Test
    void publicApiAndSupportTypesCarryApi() {
        holdsAndCatchesItsViolation(ArchitectureRules::publicApiAndSupportTypesCarryApi);
    }

    @Test
    void backendsUseOnlyTheApi() {
        holdsAndCatchesItsViolation(ArchitectureRules::backendsUseOnlyTheApi);
    }

    @Test
    void supportDependsOnlyOnApi() {
        holdsAndCatchesItsViolation(ArchitectureRules::supportDependsOnlyOnApi);
    }

    @Test
    void dataDependsOnNothing() {
        holdsAndCatchesItsViolation(ArchitectureRules::dataDependsOnNothing);
    }

    @Test
    void cliImportsNoPlugin() {
        holdsAndCatchesItsViolation(ArchitectureRules::cliImportsNoPlugin);
    }

    @Test
    void onlyCoreUsesGuice() {
        holdsAndCatchesItsViolation(ArchitectureRules::onlyCoreUsesGuice);
    }

    @Test
    void noPackageCycles() {
        holdsAndCatchesItsViolation(ArchitectureRules::noPackageCycles);
    }

    @Test
    void noConsoleOutsideCli() {
        holdsAndCatchesItsViolation(ArchitectureRules::noConsoleOutsideCli);
    }

    @Test
    void sparkUsesTheApiAndCoresTaskWorker() {
        holdsAndCatchesItsViolation(ArchitectureRules::sparkUsesTheApiAndCoresTaskWorker);
    }

    @Test
    void onlyTheSparkModuleUsesSpark() {
        holdsAndCatchesItsViolation(ArchitectureRules::onlyTheSparkModuleUsesSpark);
    }
}
