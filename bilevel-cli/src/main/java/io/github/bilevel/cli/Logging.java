package io.github.bilevel.cli;

import java.util.List;

/**
 * Log levels of the libraries under the command, set before any of them logs. Defaults are in
 * {@code simplelogger.properties} (warnings and errors); {@code --verbose} shows their informational messages too. A
 * system property already set (through {@code BILEVEL_JAVA_OPTS}) is left as it is.
 */
final class Logging {
    static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    static final String JAVACPP_LEVEL = "org.slf4j.simpleLogger.log.org.bytedeco";

    private Logging() {
    }

    /** Call first in {@code main}: routes JavaCPP's messages through SLF4J and applies {@code --verbose}. */
    static void configure(List<String> args) {
        // JavaCPP prints its warnings straight to standard error unless told to use SLF4J.
        setIfAbsent("org.bytedeco.javacpp.logger", "slf4j");
        if (args.contains("--verbose")) {
            setIfAbsent(DEFAULT_LEVEL, "info");
            setIfAbsent(JAVACPP_LEVEL, "info");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
