package io.github.bilevel.cli;

import io.github.bilevel.api.spi.DeviceInfo;
import io.github.bilevel.cli.spi.VersionProvider;
import io.github.bilevel.core.runtime.BilevelRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What produced a run, for results.json and run.json: the project version and git commit (from the build's
 * git.properties, when the build knew them), the JVM, the backend with its library and device, the thread count, and
 * the data the experiment read (added by {@link #withData}).
 */
final class Provenance {
    static final String KEY = "provenance";

    private Provenance() {
    }

    /** The build's git.properties; empty when the build had no git information. */
    static Properties build() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("git.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no build information
        }
        return p;
    }

    static Map<String, Object> of(BilevelRuntime rt) {
        Properties git = build();
        Map<String, Object> m = new LinkedHashMap<>();
        String version = git.getProperty("git.build.version");
        m.put("version", version != null ? version : VersionProvider.of(Provenance.class));
        String commit = git.getProperty("git.commit.id.full", "").strip();
        String dirty = git.getProperty("git.dirty");
        m.put("commit", commit.isEmpty() ? null : commit);
        m.put("commit_dirty", commit.isEmpty() || dirty == null ? null : Boolean.parseBoolean(dirty));
        Map<String, Object> java = new LinkedHashMap<>();
        java.put("vendor", System.getProperty("java.vendor"));
        java.put("version", System.getProperty("java.runtime.version", System.getProperty("java.version")));
        java.put("vm", System.getProperty("java.vm.name"));
        m.put("java", java);
        m.put("backend", rt.backendId());
        m.put("backend_library", rt.backendDescription());
        DeviceInfo device = rt.backend().capability(DeviceInfo.class).orElse(null);
        m.put("device", device == null ? null : device.device());
        m.put("device_detail", device == null ? null : device.detail());
        m.put("threads", rt.threads());
        m.put("data", null);
        return m;
    }

    /** A copy with the data the experiment read. */
    static Map<String, Object> withData(Map<String, Object> provenance, String source, String sha256) {
        Map<String, Object> m = new LinkedHashMap<>(provenance);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", source);
        data.put("sha256", sha256);
        m.put("data", data);
        return m;
    }

    /** The data checksum in a provenance map, or null. */
    static String dataSha256(Map<String, Object> provenance) {
        return provenance != null && provenance.get("data") instanceof Map<?, ?> d && d.get("sha256") instanceof String s
                ? s : null;
    }
}
