package org.wal4j.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.StatusRecord;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;
import org.wal4j.testing.TestEntries;

/**
 * Real logs for the command tests, written through {@link FileWalStorage}.
 */
final class TestLogs {
    private TestLogs() {
    }

    static FileWalStorage open(Path dir) {
        return FileWalStorage.open(FileStorageConfig.ofDefaults(dir));
    }

    /**
     * A log of 10 entries (seq 1..10, created {@code TestEntries.T0 + i ms}) for {@code primary}
     * and {@code replica}: primary applied 1..6 with checkpoint 6, seq 7 dead for primary after 3
     * attempts ("constraint violated"), 8..10 pending; replica applied 1..3 with checkpoint 3,
     * the rest pending.
     */
    static void standard(Path dir) {
        try (FileWalStorage storage = open(dir)) {
            for (int i = 1; i <= 10; i++) {
                storage.append(List.of(TestEntries.entry(i, "primary", "replica")));
            }
            Instant at = TestEntries.T0.plusSeconds(1);
            for (long seq = 1; seq <= 6; seq++) {
                storage.appendStatus(List.of(StatusRecord.of(seq, "primary", EntryStatus.APPLIED, 1, at)));
            }
            for (long seq = 1; seq <= 3; seq++) {
                storage.appendStatus(List.of(StatusRecord.of(seq, "replica", EntryStatus.APPLIED, 1, at)));
            }
            storage.appendStatus(List.of(new StatusRecord(7, "primary", EntryStatus.DEAD, 3, at.plusSeconds(1),
                    "constraint violated")));
            storage.saveCheckpoint("primary", 6).join();
            storage.saveCheckpoint("replica", 3).join();
        }
    }

    static void append(Path dir, List<WalEntry> entries) {
        try (FileWalStorage storage = open(dir)) {
            storage.append(entries);
        }
    }
}
