package io.github.bilevel.core.autodiff;

import io.github.bilevel.api.spi.NdArray;
import io.github.bilevel.api.tensor.Scope;
import io.github.bilevel.api.tensor.Tensor;
import io.github.bilevel.core.autodiff.compile.CompiledFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** What an engine lends its compiled functions ({@link Engine#function}). */
final class FunctionHost implements CompiledFunction.Host {
    private final Engine engine;

    FunctionHost(Engine engine) {
        this.engine = engine;
    }

    @Override
    public NdArray array(Tensor t) {
        return engine.tracer().own(t).array();
    }

    @Override
    public Tensor adopt(NdArray array) {
        return engine.tracer().leaf(array);
    }

    @Override
    public List<Tensor> eager(Function<List<Tensor>, List<Tensor>> body, List<Tensor> inputs) {
        List<Tensor> outputs = new ArrayList<>();
        try (Scope s = engine.scope()) {
            List<Tensor> result = body.apply(inputs);
            if (result == null) {
                throw new IllegalArgumentException("The body of a function returned null instead of its outputs");
            }
            for (Tensor t : result) {
                outputs.add(s.keep(engine.tracer().own(t).detach()));
            }
        }
        return outputs;
    }

    @Override
    public void held(NdArray array) {
        engine.tracer().account().arrayAllocated(array.byteSize());
    }

    @Override
    public void released(NdArray array) {
        engine.tracer().account().arrayFreed(array.byteSize());
    }
}
