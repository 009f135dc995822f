/**
 * Runs the tasks of meta-batches on Apache Spark (experimental, docs/adr/0013 and docs/DISTRIBUTED.md): the executor
 * {@code spark}, selected with {@code --executor spark}. On the class path only, like backend-nd4j: Spark's jars are
 * not modules.
 */
package io.github.bilevel.spark;
