/**
 * Tasks that can travel: tasks described by data ({@link io.github.bilevel.api.task.TaskRecipe}), rebuilt where they
 * run by a {@link io.github.bilevel.api.task.TaskFactory}, and the executors that run them
 * ({@link io.github.bilevel.api.task.TaskExecutorProvider}), in this JVM or on a cluster.
 *
 * <p><b>Experimental</b> (docs/adr/0013): these types may change in any release until distributed execution is
 * declared stable.
 */
package io.github.bilevel.api.task;
