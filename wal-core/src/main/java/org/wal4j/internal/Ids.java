package org.wal4j.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Entry ids: version 7 UUIDs (RFC 9562), a 48-bit millisecond timestamp followed by 74 random
 * bits, so ids sort roughly by creation time. The random bits come from {@link ThreadLocalRandom}:
 * ids must be unique, not unguessable, and {@link UUID#randomUUID()} serializes many writer
 * threads on one {@code SecureRandom}.
 */
public final class Ids {
    private Ids() {
    }

    public static String newId(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
