package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.KernelAttributes;
import io.github.bilevel.api.spi.KernelGraph.Signature;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.DType;
import io.github.bilevel.api.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The recording backend of a compiled region: runs every kernel eagerly on the real backend and records it. */
final class Recorder extends KernelInterceptor {
    final List<Event> events = new ArrayList<>();
    private final WeakIds ids = new WeakIds();
    private final Map<Event.Template, Event.Template> templates = new HashMap<>();
    // For a compiled function, which runs without its Java code: the values of its constants and its outside arrays.
    private final Map<Integer, Object> feedValues;
    private final Map<Integer, NdArray> capturedArrays;
    private int next;

    Recorder(Backend real) {
        this(real, false);
    }

    /** @param keep whether to keep the values fed and the arrays captured ({@link #feedValues}, {@link #captured}) */
    Recorder(Backend real, boolean keep) {
        super(real);
        feedValues = keep ? new HashMap<>() : null;
        capturedArrays = keep ? new HashMap<>() : null;
    }

    /** The record id of {@code a}, or null if the recording never saw it. */
    Integer idOf(NdArray a) {
        return ids.get(a);
    }

    /** The Java values of the array fed with this id: a double[] or a float[] (when keeping). */
    Object feedValues(int id) {
        return feedValues.get(id);
    }

    /** The outside array captured with this id (when keeping). */
    NdArray captured(int id) {
        return capturedArrays.get(id);
    }

    private int id(NdArray a) {
        Integer id = ids.get(a);
        if (id == null) {
            id = next++;
            ids.put(a, id);
            events.add(new Event.Capture(id, new Signature(a.shape(), a.dtype())));
            if (capturedArrays != null) {
                capturedArrays.put(id, a);
            }
        }
        return id;
    }

    @Override
    NdArray call(KernelAttributes attributes, NdArray... args) {
        NdArray result = attributes.apply(real, args);
        int[] argIds = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            argIds[i] = id(args[i]);
        }
        int id = next++;
        ids.put(result, id);
        events.add(new Event.Invoke(id, template(new Event.Template(attributes,
                new Signature(result.shape(), result.dtype()))), argIds));
        return result;
    }

    /** The recording's one instance of a template equal to {@code t}. */
    private Event.Template template(Event.Template t) {
        Event.Template known = templates.putIfAbsent(t, t);
        return known == null ? t : known;
    }

    private NdArray feed(NdArray result, boolean floats, Object values) {
        int id = next++;
        if (feedValues != null) {
            feedValues.put(id, values);
        }
        ids.put(result, id);
        events.add(new Event.Feed(id, new Signature(result.shape(), result.dtype()), floats));
        return result;
    }

    @Override
    public NdArray fromDoubles(double[] values, Shape shape, DType dtype) {
        return feed(real.fromDoubles(values, shape, dtype), false, feedValues == null ? null : values.clone());
    }

    @Override
    public NdArray fromFloats(float[] values, Shape shape) {
        return feed(real.fromFloats(values, shape), true, feedValues == null ? null : values.clone());
    }

    @Override
    public double[] toDoubles(NdArray x) {
        events.add(new Event.Read(id(x)));
        return real.toDoubles(x);
    }
}
