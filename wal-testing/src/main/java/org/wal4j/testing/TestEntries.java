package org.wal4j.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.wal4j.Backoff;
import org.wal4j.Lifecycle;
import org.wal4j.Priority;
import org.wal4j.WalEntry;

/**
 * Entries for tests, deterministic except for their ids: {@link #entry(int)} is small and names
 * the target {@code primary}; {@link #full(int)} sets every field, with non-ASCII text and a
 * nested payload, to check round trips. {@link WalStorageContract} is written with them.
 */
public final class TestEntries {
    /** Creation time of entry 0; entry {@code i} is created {@code i} ms later. */
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private TestEntries() {
    }

    /** A small entry numbered {@code i}, for target {@code primary}. */
    public static WalEntry entry(int i) {
        return entry(i, "primary");
    }

    public static WalEntry entry(int i, String... targets) {
        return WalEntry.builder("orders", "debit").createdAt(T0.plusMillis(i)).key("account-" + (i % 7))
                .payloadJson("{\"n\":" + i + ",\"amount\":" + (i * 10) + "}").targets(targets).build();
    }

    /** An entry with a payload of about {@code payloadBytes} bytes. */
    public static WalEntry sized(int i, int payloadBytes) {
        StringBuilder pad = new StringBuilder(payloadBytes);
        while (pad.length() < Math.max(0, payloadBytes - 20)) {
            pad.append((char) ('a' + (pad.length() % 26)));
        }
        return WalEntry.builder("orders", "debit").createdAt(T0.plusMillis(i))
                .payloadJson("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}").targets("primary").build();
    }

    /** An entry with every field set, text outside ASCII and characters that need escaping. */
    public static WalEntry full(int i) {
        Lifecycle lifecycle = Lifecycle.builder().maxAttempts(3 + i % 5).initialDelay(Duration.ofMillis(250))
                .backoff(Backoff.LINEAR).backoffBase(Duration.ofMillis(100)).backoffMultiplier(1.5)
                .backoffCap(Duration.ofSeconds(30)).jitter(false).ttl(Duration.ofHours(2)).priority(Priority.HIGH)
                .build();
        return WalEntry.builder("billing.eu-1", "AccountDao#debit \"quoted\" \\ slash")
                .id("id-" + i + "-Ω").createdAt(T0.plusNanos(123_456_789L + i)).key("kunde-ß-" + i)
                .payloadJson("{\"n\":" + i + ", \"text\":\"Grüße 🌍 \\\"q\\\" \\n\", \"list\":[1, 2.5e3, null, true],"
                        + " \"nested\":{\"a\":{}}}")
                .targets("primary", "replica").idempotencyKey("req-" + i).correlationId("saga-" + i)
                .tenantId("tenant-ä").userId("user-" + i).lifecycle(lifecycle)
                .traceContext(java.util.Map.of("traceparent", String.format("00-%032x-%016x-01", i + 1, i + 7),
                        "tracestate", "vendor=\"q\" \\ " + i))
                .build();
    }

    public static List<WalEntry> batch(int from, int count) {
        List<WalEntry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(entry(from + i));
        }
        return out;
    }
}
