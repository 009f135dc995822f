package io.github.bilevel.core.discovery;

import java.security.CodeSource;
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
                failures.add(describe(type, null, e));
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
