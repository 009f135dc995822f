package io.github.bilevel.spark;

import io.github.bilevel.api.InvalidInputException;
import io.github.bilevel.api.task.ExecutorSettings;
import io.github.bilevel.api.task.TaskExecutor;
import io.github.bilevel.api.task.TaskExecutorProvider;
import java.util.Set;
import java.util.TreeSet;

/** The {@code spark} executor: tasks of a meta-batch as Spark tasks. Never chosen by priority, only by id. */
public final class SparkExecutorProvider implements TaskExecutorProvider {
    public static final String ID = "spark";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public String description() {
        return "Apache Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ": tasks of a meta-batch on a "
                + "cluster (--master local[N] or spark://host:port)";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of(SparkTaskExecutor.MASTER);
    }

    @Override
    public TaskExecutor create(ExecutorSettings settings) {
        Set<String> unknown = new TreeSet<>(settings.options().keySet());
        unknown.removeAll(optionNames());
        if (!unknown.isEmpty()) {
            throw new InvalidInputException("The spark executor has no option " + unknown + "; it reads "
                    + optionNames());
        }
        return new SparkTaskExecutor(settings);
    }
}
