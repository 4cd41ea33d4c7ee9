package org.wal4j.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The records every benchmark writes: a JSON object of an exact size in bytes, the same bytes for
 * wal4j, the raw-disk baselines and every peer, so that their figures compare like with like.
 *
 * <pre>
 * {"account":"acc-000042","amount":1234,"note":"k3Zq…"}   padded with the note to exactly n bytes
 * </pre>
 *
 * <p>The note is random alphanumeric text from a fixed seed: deterministic across runs, and not
 * trivially compressible (PostgreSQL compresses large {@code jsonb} values, so all-same filler
 * would flatter it). All characters are ASCII, so the UTF-8 length equals the character count.
 *
 * <p>Thread-safe: stateless.
 */
final class Payloads {

    /** Payload sizes the benchmarks use, as strings because JMH {@code @Param} needs them so. */
    static final String SMALL = "256";
    static final String LARGE = "4096";

    /** The smallest size {@link #json(int, long)} can produce. */
    static final int MIN_BYTES = 64;

    private static final char[] ALPHANUMERIC =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private Payloads() {
    }

    /** {@link #json(int, long)} with seed 0: the payload benchmarks use by default. */
    static byte[] json(int sizeBytes) {
        return json(sizeBytes, 0);
    }

    /**
     * A JSON object of exactly {@code sizeBytes} bytes of UTF-8; different seeds give different
     * account, amount and note.
     *
     * @throws IllegalArgumentException if {@code sizeBytes < }{@link #MIN_BYTES}
     */
    static byte[] json(int sizeBytes, long seed) {
        if (sizeBytes < MIN_BYTES) {
            throw new IllegalArgumentException("sizeBytes must be at least " + MIN_BYTES + " but was " + sizeBytes);
        }
        SplittableRandom random = new SplittableRandom(seed);
        String head = String.format("{\"account\":\"acc-%06d\",\"amount\":%d,\"note\":\"",
                random.nextInt(1_000_000), random.nextInt(1, 100_000));
        String tail = "\"}";
        int noteLength = sizeBytes - head.length() - tail.length();
        StringBuilder json = new StringBuilder(sizeBytes).append(head);
        for (int i = 0; i < noteLength; i++) {
            json.append(ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)]);
        }
        byte[] bytes = json.append(tail).toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length != sizeBytes) {
            throw new IllegalStateException("Built a payload of " + bytes.length + " bytes, wanted " + sizeBytes);
        }
        return bytes;
    }
}
