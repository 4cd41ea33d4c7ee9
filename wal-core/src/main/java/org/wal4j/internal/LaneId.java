package org.wal4j.internal;

import org.wal4j.WalEntry;

/**
 * Which ordering lane an entry belongs to: the entries of one (namespace, key) are applied in
 * write order; a null key is its namespace's keyless lane. Not called {@code LaneKey}: that is
 * wal-jdbc-sync's annotation for the DAO parameter that gives the key. Immutable and thread-safe.
 */
record LaneId(String namespace, String key) {
    static LaneId of(WalEntry entry) {
        return new LaneId(entry.namespace(), entry.key());
    }

    @Override
    public String toString() {
        return namespace + "/" + (key == null ? "(no key)" : key);
    }
}
