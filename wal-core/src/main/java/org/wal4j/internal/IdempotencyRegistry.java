package org.wal4j.internal;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalAccessDeniedException;
import org.wal4j.WriteResult;
import org.wal4j.spi.Names;

/**
 * The caller-supplied idempotency keys written within the retention period, each with the
 * result of its original write. Keys equal to the entry's id (the default) are not kept: an id is
 * unique by construction.
 *
 * <p>Concurrent writes of one key: the first to {@link #claim} it writes; the others get its
 * future and wait for the original's result. If the original write fails before its entry is
 * appended, the claim is {@link #abandon abandoned} and the key is free again.
 *
 * <p>After a restart the map is rebuilt by the scan at start ({@link StartupScan}) from the
 * entries still in the log; keys are pruned once their entry is older than the retention period.
 * Cost: about 200 bytes of heap per key.
 *
 * <p>Thread-safe.
 */
final class IdempotencyRegistry {
    /** A key's original write. */
    static final class Slot {
        final CompletableFuture<WriteResult> result;
        /** The tenant of the key's entry; null for an entry of no tenant. */
        final @Nullable String tenantId;
        final Instant createdAt;

        Slot(CompletableFuture<WriteResult> result, @Nullable String tenantId, Instant createdAt) {
            this.result = result;
            this.tenantId = tenantId;
            this.createdAt = createdAt;
        }
    }

    private record Age(String key, Instant createdAt) {
    }

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    /** Keys in insertion order, roughly by creation time, for pruning. */
    private final ConcurrentLinkedQueue<Age> ages = new ConcurrentLinkedQueue<>();

    /**
     * Claims {@code key} for a new write.
     *
     * @return null if the caller now owns the key and must write; otherwise the original's slot
     * @throws WalAccessDeniedException if the key belongs to an entry of another tenant
     */
    @Nullable Slot claim(String key, Slot mine) {
        Slot existing = slots.putIfAbsent(key, mine);
        if (existing == null) {
            ages.add(new Age(key, mine.createdAt));
            return null;
        }
        if (!Objects.equals(existing.tenantId, mine.tenantId)) {
            throw new WalAccessDeniedException("Idempotency key '" + Names.abbreviate(key)
                    + "' was already used by an entry of another tenant");
        }
        return existing;
    }

    /** Frees a key whose write failed before its entry was appended. */
    void abandon(String key, Slot mine) {
        slots.remove(key, mine);
    }

    /** Remembers a key found in the log at start. */
    void restore(String key, WriteResult original, @Nullable String tenantId) {
        Slot slot = new Slot(CompletableFuture.completedFuture(original), tenantId, original.timestamp());
        if (slots.putIfAbsent(key, slot) == null) {
            ages.add(new Age(key, slot.createdAt));
        }
    }

    /** Forgets keys of entries created before {@code cutoff}. */
    void prune(Instant cutoff) {
        for (Age age = ages.peek(); age != null && age.createdAt().isBefore(cutoff); age = ages.peek()) {
            ages.poll();
            Slot slot = slots.get(age.key());
            if (slot != null && slot.createdAt.equals(age.createdAt())) {
                if (slot.result.isDone()) {
                    slots.remove(age.key(), slot);
                } else {
                    ages.add(age); // its write is still in flight: look again next time
                    return;
                }
            }
        }
    }

    int size() {
        return slots.size();
    }
}
