package io.github.bilevel.core.autodiff.compile;

import io.github.bilevel.api.spi.Backend;
import io.github.bilevel.api.spi.GraphCompiler;
import io.github.bilevel.api.spi.KernelGraph.Signature;
import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.api.tensor.TensorFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link io.github.bilevel.api.tensor.Ops#function}: the body is recorded once per input signature like a compiled
 * region, with its outputs as the record's only reads; later applications feed the inputs to the compiled segments
 * and return their outputs without running the body. Constants the body made are fed from the values kept at the
 * recording, arrays it took from outside are the ones it took then.
 */
public final class CompiledFunction implements TensorFunction {
    private static final int MAX_SIGNATURES = 16;

    /** What the engine lends a function: tensors to arrays and back, and an eager application of the body. */
    public interface Host {
        /** The array of a tensor of this engine (an error for another engine's tensor). */
        NdArray array(Tensor t);

        /** A tensor without history, owned by the current scope, that takes ownership of {@code array}. */
        Tensor adopt(NdArray array);

        /** Runs the body eagerly in a scope of its own; returns its outputs detached, in the caller's scope. */
        List<Tensor> eager(Function<List<Tensor>, List<Tensor>> body, List<Tensor> inputs);

        /** Counts an array the function keeps (a constant of its body) in the engine's memory account. */
        void held(NdArray array);

        /** Takes an array counted by {@link #held} off the engine's account; the caller closes it. */
        void released(NdArray array);
    }

    /** One recording: how inputs, constants and outside arrays map to record ids, and the compiled segments. */
    private static final class Plan implements AutoCloseable {
        final Host host;
        final Region region = new Region();
        int[] inputIds;
        int[] outputIds;
        final Map<Integer, NdArray> captured = new HashMap<>();
        final Map<Integer, NdArray> constants = new HashMap<>();
        int size;

        Plan(Host host) {
            this.host = host;
        }

        void keepConstant(int id, NdArray array) {
            host.held(array);
            constants.put(id, array);
        }

        @Override
        public void close() {
            region.close();
            for (NdArray a : constants.values()) {
                host.released(a);
                a.close();
            }
            constants.clear();
            captured.clear();
        }
    }

    private final Backend backend;
    private final GraphCompiler compiler;
    private final RegionCache regions;
    private final Host host;
    private final Function<List<Tensor>, List<Tensor>> body;
    private final LinkedHashMap<List<Object>, Plan> plans = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Plan> eldest) {
            if (size() > MAX_SIGNATURES) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };
    private boolean closed;

    CompiledFunction(Backend backend, GraphCompiler compiler, RegionCache regions, Host host,
                     Function<List<Tensor>, List<Tensor>> body) {
        this.backend = backend;
        this.compiler = compiler;
        this.regions = regions;
        this.host = host;
        this.body = body;
    }

    @Override
    public synchronized List<Tensor> apply(List<Tensor> inputs) {
        if (closed) {
            throw new IllegalStateException("This compiled function was closed");
        }
        List<Tensor> in = List.copyOf(inputs);
        if (regions.regionKernels() != null) {
            return host.eager(body, in); // inside a compiled region (or another function's recording): part of it
        }
        NdArray[] arrays = new NdArray[in.size()];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = host.array(in.get(i));
        }
        List<Object> key = key(arrays);
        Plan plan = plans.get(key);
        if (plan == null) {
            Recorded r = record(in, arrays);
            plan = r.plan();
            plans.put(key, plan);
            if (!compiler.interprets()) {
                return r.outputs();
            }
            // An interpreted replay may sum merged products in another order than the eager recording run: every
            // application returns the replay's bits, the first one included (as compiled regions do, ADR 0011).
            r.outputs().forEach(Tensor::close);
        }
        return replay(plan, arrays);
    }

    private record Recorded(Plan plan, List<Tensor> outputs) {
    }

    /** Input signatures, and which inputs are the same array (the record has one id for them). */
    private static List<Object> key(NdArray[] arrays) {
        List<Object> key = new ArrayList<>(arrays.length * 2);
        IdentityHashMap<NdArray, Integer> first = new IdentityHashMap<>();
        for (int i = 0; i < arrays.length; i++) {
            key.add(new Signature(arrays[i].shape(), arrays[i].dtype()));
            key.add(first.computeIfAbsent(arrays[i], a -> first.size()));
        }
        return key;
    }

    private Recorded record(List<Tensor> inputs, NdArray[] arrays) {
        Recorder recorder = new Recorder(backend, true);
        List<Tensor> outputs;
        regions.restoreRegionKernels(recorder);
        try {
            outputs = host.eager(body, inputs);
        } finally {
            regions.restoreRegionKernels(null);
        }
        Plan plan = new Plan(host);
        try {
            plan.outputIds = new int[outputs.size()];
            java.util.BitSet computedIds = new java.util.BitSet();
            for (Event e : recorder.events) {
                if (e instanceof Event.Read) {
                    throw new IllegalStateException("The body of a compiled function read a value back (item(), "
                            + "toDoubleArray()); code whose control flow depends on values belongs in Ops.compiled");
                } else if (e instanceof Event.Invoke inv) {
                    computedIds.set(inv.id());
                }
            }
            List<Event> events = new ArrayList<>(recorder.events);
            for (int j = 0; j < outputs.size(); j++) {
                Integer id = recorder.idOf(host.array(outputs.get(j)));
                if (id == null || !computedIds.get(id)) {
                    throw new IllegalStateException("Output " + j + " of a compiled function is not computed by its "
                            + "body (an input, a constant or a tensor from outside); return what the body computes");
                }
                plan.outputIds[j] = id;
                events.add(new Event.Read(id));
            }
            plan.inputIds = new int[arrays.length];
            for (int i = 0; i < arrays.length; i++) {
                Integer id = recorder.idOf(arrays[i]);
                plan.inputIds[i] = id == null ? -1 : id;
            }
            for (Event e : events) {
                plan.size = Math.max(plan.size, e.id() + 1);
                if (e instanceof Event.Capture c && Arrays.stream(plan.inputIds).noneMatch(id -> id == c.id())) {
                    plan.captured.put(c.id(), recorder.captured(c.id()));
                } else if (e instanceof Event.Feed f) {
                    Object v = recorder.feedValues(f.id());
                    plan.keepConstant(f.id(), f.floats() ? backend.fromFloats((float[]) v, f.signature().shape())
                            : backend.fromDoubles((double[]) v, f.signature().shape(), f.signature().dtype()));
                }
            }
            RegionPlanner.plan(plan.region, events, compiler);
        } catch (RuntimeException | Error e) {
            plan.close();
            outputs.forEach(Tensor::close);
            throw e;
        }
        return new Recorded(plan, outputs);
    }

    private List<Tensor> replay(Plan plan, NdArray[] arrays) {
        NdArray[] values = new NdArray[plan.size];
        boolean[] made = new boolean[plan.size];
        for (int i = 0; i < arrays.length; i++) {
            if (plan.inputIds[i] >= 0) {
                values[plan.inputIds[i]] = arrays[i];
            }
        }
        plan.captured.forEach((id, a) -> values[id] = a);
        plan.constants.forEach((id, a) -> values[id] = a);
        List<Tensor> result = new ArrayList<>(plan.outputIds.length);
        Map<Integer, Tensor> adopted = new HashMap<>();
        try {
            for (Region.Segment s : plan.region.segments) {
                List<NdArray> in = new ArrayList<>(s.inputIds().length);
                for (int id : s.inputIds()) {
                    in.add(values[id]);
                }
                List<NdArray> out = s.compiled().run(in);
                for (int k = 0; k < out.size(); k++) {
                    values[s.outputIds()[k]] = out.get(k);
                    made[s.outputIds()[k]] = true;
                }
            }
            for (int id : plan.outputIds) {
                Tensor first = adopted.get(id);
                if (first == null) {
                    first = host.adopt(values[id]);
                    made[id] = false; // the tensor owns it now
                    adopted.put(id, first);
                    result.add(first);
                } else {
                    result.add(first.detach());
                }
            }
            return result;
        } catch (RuntimeException | Error e) {
            result.forEach(Tensor::close);
            throw e;
        } finally {
            for (int id = 0; id < values.length; id++) {
                if (made[id]) {
                    values[id].close();
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            plans.values().forEach(Plan::close);
            plans.clear();
        }
        regions.forget(this);
    }
}
