package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.GraphCompiler;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Compiled regions: the first run of a region executes eagerly and records every kernel call, every array created
 * from Java values (fed again on each run), every array from outside the region (captured) and every read back to
 * Java ({@link Recorder}). The record is cut at each read-back into segments, and each segment is compiled
 * ({@link RegionPlanner}). Later runs (and, with an interpreting compiler, the first run again right after recording)
 * execute the same Java code against a replaying backend ({@link Replayer}): kernel calls only check that they follow
 * the record and return placeholders; a read-back runs the compiled segments it depends on, one native call each. A
 * run that departs from the record (other kernels, attributes or shapes) is abandoned and the region is recorded
 * afresh; a region that departs twice, or whose placeholders outlive it, runs eagerly from then on.
 *
 * <p>The code in a region must depend on tensor values only through what it reads back (no other side channels), and
 * must not keep its tensors after it ends; a hypergradient computation is such a region.
 */
final class Compilation {
    private Compilation() {
    }

    /**
     * Runs {@code body} in {@code region}: records it the first time ({@link #firstRun}), replays it compiled
     * afterwards.
     *
     * @param install makes a backend the engine's kernels on this thread for the duration of the body (null restores)
     */
    static <T> T run(Region region, Backend backend, GraphCompiler compiler, Supplier<T> body,
                     Consumer<Backend> install) {
        synchronized (region) {
            if (region.eagerOnly) {
                return body.get();
            }
            if (!region.recorded()) {
                return firstRun(region, backend, compiler, body, install);
            }
            return replay(region, backend, compiler, body, install);
        }
    }

    /**
     * Records the body. With an interpreting compiler, then runs it again from the record and returns that run's
     * result: its replay may sum merged products in another order than the eager recording run (ADR 0011), and the
     * numbers must not depend on which call recorded (a resumed run records at another iteration than an
     * uninterrupted one, and must still end with the same bits); an interpreted replay costs what an eager run costs.
     * A compiling backend returns the recording run's results: its first run of each compiled graph is expensive
     * (TensorFlow optimizes the graph then), and its compiled runs give the eager bits in the shapes it merges.
     */
    private static <T> T firstRun(Region region, Backend backend, GraphCompiler compiler, Supplier<T> body,
                                  Consumer<Backend> install) {
        T recorded = record(region, backend, compiler, body, install);
        return compiler.interprets() ? replay(region, backend, compiler, body, install) : recorded;
    }

    private static <T> T replay(Region region, Backend backend, GraphCompiler compiler, Supplier<T> body,
                                Consumer<Backend> install) {
        Replayer replayer = new Replayer(backend, region);
        T result;
        install.accept(replayer);
        try {
            result = body.get();
        } catch (Mismatch m) {
            install.accept(null);
            replayer.release();
            region.close();
            if (++region.departures >= 2) {
                region.eagerOnly = true;
                return body.get();
            }
            return firstRun(region, backend, compiler, body, install);
        } catch (RuntimeException | Error e) {
            // For example a NaN found by a read-back: the run ends, its fed arrays and results are freed.
            install.accept(null);
            replayer.release();
            throw e;
        } finally {
            install.accept(null);
        }
        boolean leaked = replayer.openPlaceholders > 0;
        replayer.release();
        if (leaked) {
            // Placeholders escaped the region: their values are not kept, so this region cannot be compiled.
            region.close();
            region.eagerOnly = true;
            return body.get();
        }
        return result;
    }

    private static <T> T record(Region region, Backend backend, GraphCompiler compiler, Supplier<T> body,
                                Consumer<Backend> install) {
        Recorder recorder = new Recorder(backend);
        T result;
        install.accept(recorder);
        try {
            result = body.get();
        } finally {
            install.accept(null);
        }
        RegionPlanner.plan(region, recorder.events, compiler);
        return result;
    }

    /** A step boundary in the code running on {@code kernels}: recorded, or checked against the record. */
    static void boundary(Backend kernels) {
        if (kernels instanceof Recorder r) {
            r.events.add(Event.Boundary.INSTANCE);
        } else if (kernels instanceof Replayer p && !(p.expect() instanceof Event.Boundary)) {
            throw new Mismatch("a step boundary departs from the record");
        }
    }
}
