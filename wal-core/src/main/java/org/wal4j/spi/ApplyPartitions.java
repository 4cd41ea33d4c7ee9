package org.wal4j.spi;

import java.nio.charset.StandardCharsets;
import org.wal4j.LaneId;

/**
 * Which apply partition a lane belongs to. The engine drains each target through a fixed number
 * of partitions ({@code WalConfig} setting {@code applyPartitions}); every entry of a lane goes to
 * the same partition, so a lane's order is kept by one partition while the partitions apply in
 * parallel. A storage that splits its log the same way (one topic partition per apply
 * partition) uses this function, and only this one, so that both agree.
 *
 * <p>The function is part of the log's format: it never changes. A lane's routing key is the
 * UTF-8 bytes of its namespace, one zero byte, and the UTF-8 bytes of its key (nothing after the
 * zero byte for the keyless lane); its partition is the 32-bit MurmurHash2 of that key (seed
 * {@code 0x9747b28c}), made non-negative by clearing the sign bit, modulo the partition count.
 * This is the same function Apache Kafka's default partitioner applies to a record key, so a
 * Kafka record keyed by {@link #routingKey} lands in the topic partition of the same number.
 *
 * <p>Thread-safe: static functions only.
 */
public final class ApplyPartitions {
    /** The most partitions a target may have. */
    public static final int MAX = 1024;

    private ApplyPartitions() {
    }

    /**
     * The partition of {@code lane} among {@code partitions}.
     *
     * @throws IllegalArgumentException if {@code partitions} is not between 1 and {@link #MAX}
     */
    public static int of(LaneId lane, int partitions) {
        if (partitions < 1 || partitions > MAX) {
            throw new IllegalArgumentException("partitions must be between 1 and " + MAX + " but was " + partitions);
        }
        return (murmur2(routingKey(lane)) & 0x7fffffff) % partitions;
    }

    /** The bytes a lane is hashed by: namespace, a zero byte, key (see the class comment). */
    public static byte[] routingKey(LaneId lane) {
        byte[] namespace = lane.namespace().getBytes(StandardCharsets.UTF_8);
        byte[] key = lane.key() == null ? new byte[0] : lane.key().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[namespace.length + 1 + key.length];
        System.arraycopy(namespace, 0, out, 0, namespace.length);
        System.arraycopy(key, 0, out, namespace.length + 1, key.length);
        return out;
    }

    /** 32-bit MurmurHash2 (Austin Appleby's, little-endian blocks) with seed {@code 0x9747b28c}. */
    static int murmur2(byte[] data) {
        final int m = 0x5bd1e995;
        final int r = 24;
        int length = data.length;
        int h = 0x9747b28c ^ length;
        int blocks = length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16
                    | (data[at + 3] & 0xff) << 24;
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = blocks * 4;
        int rest = length % 4;
        if (rest == 3) {
            h ^= (data[tail + 2] & 0xff) << 16;
        }
        if (rest >= 2) {
            h ^= (data[tail + 1] & 0xff) << 8;
        }
        if (rest >= 1) {
            h ^= data[tail] & 0xff;
            h *= m;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
