package org.wal4j.storage.kafka;

import java.util.List;
import java.util.stream.Collectors;
import org.wal4j.WalEntry;
import org.wal4j.spi.TrackedEntry;

/** Sequence numbers of read results, for assertions. */
final class WalStorageSeqs {
    private WalStorageSeqs() {
    }

    static List<Long> of(List<WalEntry> entries) {
        return entries.stream().map(WalEntry::seq).collect(Collectors.toList());
    }

    static List<Long> ofTracked(List<TrackedEntry> entries) {
        return entries.stream().map(t -> t.entry().seq()).collect(Collectors.toList());
    }
}
