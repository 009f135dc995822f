package io.github.bilevel.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import org.apiguardian.api.API;

/**
 * The project's architecture rules, parameterized by the root package so that the same rules run on the real code
 * ({@code io.github.bilevel}) and on planted violations ({@code fixtures}), proving each rule can fail.
 */
final class ArchitectureRules {
    private ArchitectureRules() {
    }

    /** The API depends on nothing but the JDK and apiguardian's {@code @API} annotation. */
    static ArchRule apiDependsOnNothing(String root) {
        return classes().that().resideInAPackage(root + ".api..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.apiguardian.api..", root + ".api..")
                .because("bilevel-api is the contract; it must not pull in any implementation or library");
    }

    /**
     * Every public top-level type of the API and the support layer states its stability with {@code @API} (nested
     * types share the status of the type they are declared in).
     */
    static ArchRule publicApiAndSupportTypesCarryApi(String root) {
        return classes().that().resideInAnyPackage(root + ".api..", root + ".support..").and().arePublic()
                .and().areTopLevelClasses().should().beAnnotatedWith(API.class)
                .because("users must see which types are stable, experimental or internal (docs/VERSIONING.md)");
    }

    /** Plugins see the API, the support layer and the data module only: never core, a backend or Guice. */
    static ArchRule pluginsDependOnlyOnApi(String root) {
        return classes().that().resideInAPackage(root + ".plugin..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".api..", root + ".support..",
                        root + ".data..", root + ".plugin..")
                .because("plugins are written against the SPI and must run on any backend");
    }

    /** A backend implements the SPI with its library; of the project it sees the API only (never core or support). */
    static ArchRule backendsUseOnlyTheApi(String root) {
        return noClasses().that().resideInAPackage(root + ".backend..")
                .should().dependOnClassesThat(resideInAPackage(root + "..")
                        .and(not(resideInAnyPackage(root + ".api..", root + ".backend.."))))
                .because("core hands a backend arrays, kernel calls and graphs through the SPI; a backend that reached "
                        + "into the engine could not be swapped at deploy time");
    }

    /** The support layer is algorithms on the API: no engine, backend, library or Guice (docs/adr/0015). */
    static ArchRule supportDependsOnlyOnApi(String root) {
        return classes().that().resideInAPackage(root + ".support..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.apiguardian.api..", root + ".api..",
                        root + ".support..")
                .because("plugins may use bilevel-support, so it must run on any backend and bring nothing with it");
    }

    /**
     * Data readers are plain Java (javax.imageio decodes PNG and JPEG); of the project they see the API's
     * {@code InvalidInputException} alone, the type their {@code DataFormatException} extends.
     */
    static ArchRule dataDependsOnNothing(String root) {
        return classes().that().resideInAPackage(root + ".data..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.imageio..", root + ".data..",
                        root + ".api")
                .because("every plugin may use the data module, so it must not pull in core or a backend");
    }

    /**
     * The command line is commands: experiments come from plugins and the bench's workloads from bilevel-bench, both
     * found with ServiceLoader at run time, so it imports neither (docs/adr/0016).
     */
    static ArchRule cliImportsNoPlugin(String root) {
        return noClasses().that().resideInAPackage(root + ".cli..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".plugin..", root + ".bench..")
                .because("bilevel-cli must build and run with any set of plugins and without bilevel-bench");
    }

    /** Guice is an implementation detail of core. */
    static ArchRule onlyCoreUsesGuice(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".core..")
                .and().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "jakarta.inject..")
                .because("core turns discovered providers into bindings; nobody else sees Guice");
    }

    /** No cycles between packages. */
    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    /** Library code does not print; only the command line and examples talk to the console. */
    static ArchRule noConsoleOutsideCli(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackages(root + ".cli..", root + ".examples..")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .because("libraries log through SLF4J; the CLI owns the console");
    }

    /**
     * The Spark executor sees the API, core's worker side of travelling tasks (which selects the backend as the driver
     * does) and the local executor, Spark and SLF4J: not the engine, not a backend, not a plugin.
     */
    static ArchRule sparkUsesTheApiAndCoresTaskWorker(String root) {
        return classes().that().resideInAPackage(root + ".spark..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".api..", root + ".core.task..",
                        root + ".core.outer..", root + ".spark..", "org.apache.spark..", "scala..", "org.slf4j..")
                .because("bilevel-spark only ships tasks; what a task computes is core's and the backend's business");
    }

    /** Spark stays inside bilevel-spark: the rest of the project runs without it on the class path. */
    static ArchRule onlyTheSparkModuleUsesSpark(String root) {
        return noClasses().that().resideInAPackage(root + "..").and().resideOutsideOfPackage(root + ".spark..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
                .because("Spark is an optional, class-path-only dependency (docs/adr/0013)");
    }
}
