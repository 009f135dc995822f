package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph.Signature;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The replaying backend of a compiled region: checks each call against the record and returns placeholders; runs the
 * compiled segments when Java reads a value.
 */
final class Replayer extends KernelInterceptor {
    private final Region region;
    private final NdArray[] values;  // id → real array, while something may still need it
    private final boolean[] owned;   // whether this run made the array (and so frees it)
    private final int[] readsLeft;
    private final IdentityHashMap<NdArray, Integer> captured = new IdentityHashMap<>();
    private int position;
    private int segmentsRun;
    int openPlaceholders;

    Replayer(Backend real, Region region) {
        super(real);
        this.region = region;
        values = new NdArray[region.segmentOf.length];
        owned = new boolean[values.length];
        readsLeft = region.reads.clone();
    }

    Event expect() {
        if (position >= region.events.size()) {
            throw new Mismatch("more work than recorded");
        }
        return region.events.get(position++);
    }

    private int id(NdArray a) {
        if (a instanceof Placeholder p) {
            if (p.owner != this) {
                throw new Mismatch("a placeholder of another run");
            }
            return p.id;
        }
        Integer known = captured.get(a);
        if (known != null) {
            return known; // an outside array used again: the record captured it at its first use
        }
        // An array from outside the region: the record must capture one of the same shape here.
        Event e = expect();
        if (!(e instanceof Event.Capture c) || !c.signature().equals(new Signature(a.shape(), a.dtype()))) {
            throw new Mismatch("an outside array " + a.shape() + " at event " + (position - 1) + " where the "
                    + "record has " + e);
        }
        values[c.id()] = a;
        captured.put(a, c.id());
        return c.id();
    }

    @Override
    NdArray call(KernelAttributes attributes, NdArray... args) {
        int[] argIds = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            argIds[i] = id(args[i]);
        }
        Event e = expect();
        // The attributes hold every non-array argument (shapes and dtypes of reshape, broadcast, full and cast
        // included), so equal attributes and arguments mean the recorded call and its recorded result signature.
        if (!(e instanceof Event.Invoke inv) || !Arrays.equals(inv.args(), argIds)
                || !inv.template().attributes().equals(attributes)) {
            throw new Mismatch("kernel " + attributes.kernel() + " departs from the record at event " + (position - 1));
        }
        return new Placeholder(this, inv.id(), inv.template().result());
    }

    private NdArray feed(NdArray created) {
        Event e = expect();
        if (!(e instanceof Event.Feed f) || !f.signature().equals(new Signature(created.shape(), created.dtype()))) {
            created.close();
            throw new Mismatch("a created array departs from the record");
        }
        values[f.id()] = created;
        owned[f.id()] = true;
        return new Placeholder(this, f.id(), f.signature());
    }

    /** The real array with this id, running the compiled segments up to the one that computes it. */
    private NdArray value(int id) {
        NdArray v = values[id];
        if (v != null) {
            return v;
        }
        int segment = region.segmentOf[id];
        if (segment < 0) {
            throw new Mismatch("a read of a value the record never read");
        }
        while (segmentsRun <= segment) {
            Region.Segment s = region.segments.get(segmentsRun);
            List<NdArray> in = new ArrayList<>(s.inputIds().length);
            for (int input : s.inputIds()) {
                NdArray x = values[input];
                if (x == null) {
                    throw new Mismatch("segment " + segmentsRun + " misses input " + input);
                }
                in.add(x);
            }
            List<NdArray> out = s.compiled().run(in);
            for (int k = 0; k < out.size(); k++) {
                values[s.outputIds()[k]] = out.get(k);
                owned[s.outputIds()[k]] = true;
            }
            segmentsRun++;
            for (int dead : s.freeAfter()) {
                freeIfDone(dead);
            }
        }
        return values[id];
    }

    /** Frees a value of this run once every segment that takes it has run and Java has read it as often as recorded. */
    private void freeIfDone(int id) {
        NdArray v = values[id];
        if (v != null && owned[id] && readsLeft[id] == 0 && region.lastUse[id] < segmentsRun) {
            values[id] = null;
            v.close();
        }
    }

    void release() {
        for (int id = 0; id < values.length; id++) {
            if (values[id] != null && owned[id]) {
                values[id].close();
            }
            values[id] = null;
        }
    }

    @Override
    public NdArray fromDoubles(double[] v, Shape shape, DType dtype) {
        return feed(real.fromDoubles(v, shape, dtype));
    }

    @Override
    public NdArray fromFloats(float[] v, Shape shape) {
        return feed(real.fromFloats(v, shape));
    }

    @Override
    public double[] toDoubles(NdArray x) {
        if (!(x instanceof Placeholder p)) {
            return real.toDoubles(x);
        }
        if (!(expect() instanceof Event.Read r) || r.id() != p.id) {
            throw new Mismatch("a read departs from the record");
        }
        double[] read = real.toDoubles(value(p.id));
        readsLeft[p.id]--;
        freeIfDone(p.id);
        return read;
    }
}
