package org.wal4j.internal;

import org.wal4j.WalEntry;

/**
 * An ordering lane: the entries of one (namespace, key) are applied in write order; a null key is
 * its namespace's keyless lane. Immutable and thread-safe.
 */
record LaneKey(String namespace, String key) {
    static LaneKey of(WalEntry entry) {
        return new LaneKey(entry.namespace(), entry.key());
    }

    @Override
    public String toString() {
        return namespace + "/" + (key == null ? "(no key)" : key);
    }
}
