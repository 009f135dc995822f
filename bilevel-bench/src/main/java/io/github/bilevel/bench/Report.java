package io.github.bilevel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prints each measured row as it comes: a line of the table, or one JSON object per line. */
final class Report {
    private final PrintWriter out;
    private final boolean json;

    Report(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    void print(Row r) throws Exception {
        if (json) {
            // a map, not the record: on the module path Jackson may not reflect on this package
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", r.workload());
            m.put("backend", r.backend());
            m.put("variant", r.variant());
            m.put("unit", r.unit());
            m.put("median", r.median());
            m.put("min", r.min());
            m.put("max", r.max());
            m.put("peak_native_bytes", r.peakNativeBytes());
            m.put("heap_bytes", r.heapBytes());
            m.put("peak_rss_bytes", r.peakRssBytes());
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            if (r.unit().equals("fit")) {
                out.printf("%-14s %s%n", r.workload(), r.variant());
            } else if (r.unit().equals("x")) {
                out.printf("%-14s %-42s %12.2f %-3s  (min %.2f, max %.2f)%n", r.workload(), r.variant(), r.median(),
                        r.unit(), r.min(), r.max());
            } else {
                out.printf("%-14s %-42s %12.1f %-3s  (min %.1f, max %.1f)  native peak %6.1f MB  heap %6.1f MB  "
                        + "RSS peak %6.0f MB%n", r.workload(), r.variant(), r.median(), r.unit(), r.min(), r.max(),
                        r.peakNativeBytes() / 1e6, r.heapBytes() / 1e6, r.peakRssBytes() / 1e6);
            }
        }
        out.flush();
    }
}
