/**
 * The worker side of tasks that travel (experimental, docs/adr/0013): what an executor in another JVM runs to turn a
 * {@link io.github.bilevel.api.task.HypergradientBatch} into hypergradients.
 */
package io.github.bilevel.core.task;
