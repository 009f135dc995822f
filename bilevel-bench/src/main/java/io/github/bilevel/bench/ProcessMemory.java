package io.github.bilevel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory as the operating system counts it (Linux; 0 where /proc is not available). */
final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Peak resident set size since the process started (VmHWM), in bytes; 0 when unknown. */
    static long peakResidentBytes() {
        return statusField("VmHWM:");
    }

    private static long statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
