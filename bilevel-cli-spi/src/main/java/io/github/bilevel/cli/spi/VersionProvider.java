package io.github.bilevel.cli.spi;

import picocli.CommandLine;

/** {@code --version} of every command, a provided subcommand's included: the version in the jar's manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = of(VersionProvider.class);
        return new String[] {"bilevel " + (v == null ? "(development build)" : v)};
    }

    /**
     * The version of the jar {@code type} came from: its package's implementation version on the class path; on the
     * module path (where packages carry no manifest attributes) the module version or its jar's manifest. Null when
     * the class was not loaded from a built jar.
     */
    public static String of(Class<?> type) {
        String v = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        Module module = type.getModule();
        if (v == null && module.isNamed()) {
            v = module.getDescriptor().rawVersion().orElse(null);
            if (v == null) {
                try (java.io.InputStream in = module.getResourceAsStream("META-INF/MANIFEST.MF")) {
                    v = in == null ? null : new java.util.jar.Manifest(in).getMainAttributes()
                            .getValue("Implementation-Version");
                } catch (java.io.IOException e) {
                    v = null;
                }
            }
        }
        return v;
    }
}
