package io.github.bilevel.bench;

/**
 * One measured figure, with the peak native memory the engine accounted during its runs, the heap in use, and the
 * process's peak resident memory so far (0 where the operating system does not tell).
 */
record Row(String workload, String backend, String variant, String unit, double median, double min, double max,
           long peakNativeBytes, long heapBytes, long peakRssBytes) {
    Row(String workload, String backend, String variant, String unit, double median, double min, double max,
        long peakNativeBytes, long heapBytes) {
        this(workload, backend, variant, unit, median, min, max, peakNativeBytes, heapBytes,
                ProcessMemory.peakResidentBytes());
    }
}
