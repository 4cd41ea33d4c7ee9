/**
 * The log on a replicated, partitioned Kafka topic: {@link org.wal4j.storage.kafka.KafkaWalStorage}.
 * An entry is acknowledged once every in-sync replica holds it ({@code acks=all} from an idempotent
 * producer, with {@code min.insync.replicas} at least 2 unless explicitly weakened); statuses, dead
 * letters and checkpoints live in a compacted companion topic read back when a log is opened.
 * docs/kafka.md says when to choose it over the file log and what an acknowledgement survives.
 */
@NullMarked
package org.wal4j.storage.kafka;

import org.jspecify.annotations.NullMarked;
