package io.github.bilevel.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** {@link RunProfile}: traced runs give their results and are counted by TensorFlow's op types. */
class RunProfileTest {
    @Test
    void tracedRunsAreCountedByOpTypeAndStillFetchTheirResult() {
        RunProfile profile = RunProfile.create();
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            // Fed, not constant: TensorFlow's optimizer would fold a graph of constants into one.
            Placeholder<TFloat32> a = tf.placeholder(TFloat32.class);
            Operand<TFloat32> b = tf.math.tanh(tf.linalg.matMul(a, a));
            for (int i = 0; i < 3; i++) {
                try (TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(new float[][] {{1, 2}, {3, 4}}));
                     Result r = profile.traced(s.runner().feed(a, x).fetch(b))) {
                    assertEquals((float) Math.tanh(7), ((TFloat32) r.get(0)).getFloat(0, 0), 1e-6f);
                }
            }
        }
        List<String> lines = profile.lines();
        assertTrue(lines.get(0).startsWith("op type"), lines.get(0));
        // TensorFlow may rewrite the op (oneDNN: _MklMatMul).
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\w*MatMul\\s+3\\s.*")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.matches("Tanh\\s+3\\s.*")), String.join("\n", lines));
        assertTrue(lines.get(lines.size() - 1).startsWith("3 session runs, "), lines.get(lines.size() - 1));
    }
}
