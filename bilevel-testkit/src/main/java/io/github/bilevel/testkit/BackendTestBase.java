package io.github.bilevel.testkit;

import io.github.bilevel.api.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Creates the backend under test once per test class and closes it afterwards. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendTestBase {
    private Backend backend;

    /** Creates the backend under test; called once per test class. The suite closes it. */
    protected abstract Backend createBackend();

    @BeforeAll
    void openBackend() {
        backend = createBackend();
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** The backend under test. */
    protected Backend backend() {
        return backend;
    }
}
