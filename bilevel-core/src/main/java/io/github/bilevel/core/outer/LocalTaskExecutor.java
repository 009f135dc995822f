package io.github.bilevel.core.outer;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.task.ExecutorSettings;
import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.task.TaskExecutorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs tasks on a fixed pool of daemon threads (default: one per available processor). */
public final class LocalTaskExecutor implements TaskExecutor {
    /** Executor id {@code local}: the default. */
    public static final String ID = "local";

    /** Creates local executors with the runtime's thread count (as many tasks at a time as compute threads). */
    public static final class Provider implements TaskExecutorProvider {
        @Override
        public String id() {
            return ID;
        }

        @Override
        public String description() {
            return "threads of this process, as many tasks at a time as compute threads (the default)";
        }

        @Override
        public TaskExecutor create(ExecutorSettings settings) {
            if (!settings.options().isEmpty()) {
                throw new InvalidInputException("The local executor takes no options; got "
                        + settings.options().keySet());
            }
            return new LocalTaskExecutor(settings.threads());
        }
    }

    private final int threads;
    private ExecutorService pool;

    public LocalTaskExecutor() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public LocalTaskExecutor(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    @Override
    public String id() {
        return ID;
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "bilevel-task-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    @Override
    public <T> List<T> invokeAll(List<Callable<T>> tasks) {
        if (tasks.size() == 1 || threads == 1) {
            List<T> out = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                out.add(run(tasks.get(i), i));
            }
            return out;
        }
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool().submit(task));
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                out.add(futures.get(i).get());
            } catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(true));
                Throwable c = e.getCause();
                throw new IllegalStateException("Task " + i + " failed: " + c, c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for task " + i, e);
            }
        }
        return out;
    }

    private static <T> T run(Callable<T> task, int index) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Task " + index + " failed: " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }
}
