package io.github.bilevel.core.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists service providers with {@link ServiceLoader}, isolating failures: a provider that throws while loading is
 * reported (class and jar) and the others are still returned. Works on the module path ({@code uses} in core's
 * module-info) and on the class path ({@code META-INF/services}).
 */
public final class ServiceDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceDiscovery.class);

    private ServiceDiscovery() {
    }

    public static <T> Discovered<T> discover(Class<T> type) {
        return discover(type, ServiceLoader.load(type, ServiceDiscovery.class.getClassLoader()));
    }

    public static <T> Discovered<T> discover(Class<T> type, ServiceLoader<T> loader) {
        return discover(type, loader, ServiceDiscovery.class.getClassLoader());
    }

    /**
     * As {@link #discover(Class, ServiceLoader)}; {@code resources} is the class loader whose
     * {@code META-INF/services} files name the jar or folder of a provider that cannot even be loaded.
     */
    public static <T> Discovered<T> discover(Class<T> type, ServiceLoader<T> loader, ClassLoader resources) {
        List<Discovered.Found<T>> found = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Iterator<ServiceLoader.Provider<T>> it = loader.stream().iterator();
        while (true) {
            ServiceLoader.Provider<T> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                failures.add(describe(type, null, e) + listedIn(type, e, resources));
                continue;
            }
            try {
                T provider = p.get();
                found.add(new Discovered.Found<>(provider, origin(provider.getClass())));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                failures.add(describe(type, p.type(), e));
            }
        }
        // Callers report failures once, to the user (the command line) or through BilevelRuntime.warnings().
        for (String f : failures) {
            LOG.debug(f);
        }
        return new Discovered<>(found, failures);
    }

    private static String describe(Class<?> type, Class<?> impl, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String who = impl == null ? "a " + type.getSimpleName() + " provider" : impl.getName() + " (" + origin(impl) + ")";
        return "Skipped " + who + ": " + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /**
     * " (listed in JAR)": the jar or folder whose {@code META-INF/services} file names the provider that the error is
     * about, or nothing when none does.
     */
    static String listedIn(Class<?> type, ServiceConfigurationError e, ClassLoader resources) {
        String message = String.valueOf(e.getMessage());
        String file = "META-INF/services/" + type.getName();
        try {
            Enumeration<URL> urls = resources == null ? ClassLoader.getSystemResources(file)
                    : resources.getResources(file);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                try (InputStream in = url.openStream()) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    for (String line : text.split("\\R")) {
                        String name = line.replaceAll("#.*", "").strip();
                        if (!name.isEmpty() && message.matches(".*\\b" + Pattern.quote(name) + "\\b.*")) {
                            return " (listed in " + location(url, file) + ")";
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // no location then: the message still names the provider
        }
        return "";
    }

    /** The jar or folder of a resource URL ({@code jar:file:/a/b.jar!/META-INF/...} is /a/b.jar). */
    private static String location(URL url, String file) {
        String u = url.toString();
        if (u.startsWith("jar:")) {
            u = u.substring(4, u.indexOf("!/") < 0 ? u.length() : u.indexOf("!/"));
        } else if (u.endsWith(file)) {
            u = u.substring(0, u.length() - file.length());
        }
        try {
            return Path.of(URI.create(u)).toString();
        } catch (RuntimeException notAFile) {
            return u;
        }
    }

    /** The jar or folder a class was loaded from. */
    public static String origin(Class<?> c) {
        try {
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? "unknown" : cs.getLocation().getPath();
        } catch (SecurityException e) {
            return "unknown";
        }
    }
}
