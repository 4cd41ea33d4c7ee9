package org.wal4j;

import org.jspecify.annotations.Nullable;
import org.wal4j.spi.Names;

/**
 * A lane: the (namespace, key) whose entries are applied in write order. Names a lane for
 * {@link Wal#flushLane}, {@link Wal#awaitApplied(LaneId, java.time.Duration)} and
 * {@link Wal#unfinishedEntries}, so that no method takes a namespace, a key and a target as three
 * strings in a row.
 *
 * <pre>{@code
 * wal.flushLane(LaneId.of("accounts", "acct-42"), "primary", Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param namespace the namespace, matching {@value Names#NAMESPACE_RULE}
 * @param key       the key within it, or null for the namespace's keyless lane (entries written
 *                  without a key)
 */
public record LaneId(String namespace, @Nullable String key) {
    /**
     * @throws IllegalArgumentException naming the value, if the namespace or the key breaks its rule
     */
    public LaneId {
        Names.requireNamespace(namespace);
        Names.requireOptionalId("key", key);
    }

    /** The lane of {@code key} in {@code namespace}. */
    public static LaneId of(String namespace, String key) {
        return new LaneId(namespace, key);
    }

    /**
     * The lane of {@code entry}'s {@link WalEntry#key() key}: its first lane. An entry naming
     * {@link WalEntry#alsoKeys() other keys} is ordered in each of {@link WalEntry#lanes()}.
     */
    public static LaneId of(WalEntry entry) {
        return new LaneId(entry.namespace(), entry.key());
    }

    /** The lane of the entries of {@code namespace} written without a key. */
    public static LaneId keyless(String namespace) {
        return new LaneId(namespace, null);
    }

    /** {@code namespace/key}, or {@code namespace/(no key)} for the keyless lane. */
    @Override
    public String toString() {
        return namespace + "/" + (key == null ? "(no key)" : key);
    }
}
