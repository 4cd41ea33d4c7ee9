package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.WriteResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.testing.Await;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.WalInvariants;

/**
 * The manager over the real file log: what the engine's tests prove on the in-memory storage
 * must hold on disk too, across a stop and a reopen of the directory.
 */
class WalOnFileStorageTest {
    private static final int ENTRIES = 300;

    @TempDir
    Path dir;

    private FileWalStorage open() {
        return FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(16 << 10).build());
    }

    private static Wal wal(FileWalStorage storage, ScriptedSyncTarget primary, ScriptedSyncTarget replica,
                           WalConfig config) {
        return Wal.builder(storage).target(primary).target(replica).config(config).build().start();
    }

    @Test
    void everyWriteReachesEveryTargetOnceAcrossAReopen() {
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        ScriptedSyncTarget replica = new ScriptedSyncTarget("replica", Clock.systemUTC()).down();
        List<WalEntry> written;

        FileWalStorage storage = open();
        Wal wal = wal(storage, primary, replica, WalConfig.ofDefaults());
        for (int i = 0; i < ENTRIES; i++) {
            WriteResult result = wal.write(WalEntry.builder("accounts", "credit").key("acct-" + (i % 7))
                    .payloadJson("{\"n\":" + i + "}"));
            assertTrue(result.durable(), "ALWAYS acknowledges durable writes");
        }
        Await.until(() -> primary.applied().size() == ENTRIES, () -> "primary applied " + primary.applied().size());
        try (Stream<WalEntry> all = storage.scan(1)) {
            written = all.toList();
        }
        wal.stop(Duration.ofSeconds(5));
        assertEquals(ENTRIES, written.size());
        assertTrue(dir.toFile().list((d, name) -> name.endsWith(".wal")).length > 1, "the log rotated");

        replica.up();
        FileWalStorage reopened = open();
        assertEquals(ENTRIES, reopened.unfinished("replica", 0, 1000).size(), "the replica's backlog survived");
        assertEquals(0, reopened.unfinished("primary", 0, 1000).size(), "the primary's statuses survived");
        Wal again = wal(reopened, primary, replica, WalConfig.ofDefaults());
        Await.until(() -> replica.applied().size() == ENTRIES, () -> "replica applied " + replica.applied().size());
        WalInvariants.assertStorageConsistent(reopened, "primary", true);
        again.stop(Duration.ofSeconds(5));

        WalInvariants.assertAppliedExactlyOnceInLaneOrder(primary, written);
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(replica, written);
        assertEquals(0, primary.duplicatesSkipped(), "a clean stop keeps the primary's statuses: nothing redelivered");
    }

    @Test
    void compactionKeepsWhatALaggingTargetNeeds() {
        ManualClock clock = ManualClock.atEpochOfTests();
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", clock);
        ScriptedSyncTarget replica = new ScriptedSyncTarget("replica", clock).down();
        WalConfig config = WalConfig.builder().retention(Duration.ofMinutes(1)).build();

        FileWalStorage storage = open();
        Wal wal = Wal.builder(storage).target(primary).target(replica).config(config)
                .clock(clock).build().start();
        for (int i = 0; i < ENTRIES; i++) {
            wal.write(WalEntry.builder("orders", "place").key("o-" + (i % 5)).payloadJson("{\"n\":" + i + "}"));
        }
        Await.until(() -> primary.applied().size() == ENTRIES, () -> "primary applied " + primary.applied().size());

        clock.advance(Duration.ofMinutes(2));
        assertEquals(0, wal.admin().compact().entriesDropped(), "the replica still needs every entry");
        assertEquals(ENTRIES, storage.stats().entries());
        assertEquals(ENTRIES, storage.unfinished("replica", 0, 1000).size());

        replica.up();
        clock.advance(Duration.ofMinutes(10)); // past any backoff and the breaker's open period
        Await.until(() -> replica.applied().size() == ENTRIES, () -> "replica applied " + replica.applied().size());
        clock.advance(Duration.ofMinutes(2)); // past the retention period
        // the checkpoint is saved on the checkpoint interval's tick after the last status record:
        // the clock keeps moving, since the replica's last statuses may be recorded after this advance
        Await.until(() -> {
            clock.advance(Duration.ofSeconds(1));
            return storage.checkpoint("replica") == storage.lastSeq();
        }, "the replica's checkpoint was saved");
        CompactionResult result = wal.admin().compact();
        assertTrue(result.entriesDropped() > 0, "entries both targets applied, past retention, are dropped: " + result);
        assertEquals(ENTRIES - result.entriesDropped(), storage.stats().entries());
        wal.stop(Duration.ofSeconds(5));
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(replica, replica.applied());
    }

    @Test
    void rejectedStatus_persistsAcrossAReopen_passesTheCheckpoint_andIsCompactedAfterRetention() {
        ManualClock clock = ManualClock.atEpochOfTests();
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", clock).reject(e -> e.seq() == 2,
                "insufficient funds");
        WalConfig config = WalConfig.builder().retention(Duration.ofMinutes(1)).build();
        FileWalStorage storage = open();
        Wal wal = Wal.builder(storage).target(primary).config(config).clock(clock).build().start();
        for (int i = 0; i < ENTRIES; i++) {
            wal.write(WalEntry.builder("accounts", "debit").key("a").payloadJson("{\"n\":" + i + "}"));
        }
        Await.until(() -> primary.applied().size() == ENTRIES - 1, () -> "primary applied " + primary.applied().size());
        Await.until(() -> storage.status(2, "primary").orElseThrow() == EntryStatus.REJECTED, "entry 2 rejected");
        wal.stop(Duration.ofSeconds(5));
        assertEquals(ENTRIES, storage.checkpoint("primary"), "the checkpoint passes a rejected entry");

        FileWalStorage reopened = open();
        assertEquals(EntryStatus.REJECTED, reopened.status(2, "primary").orElseThrow(), "read back from the file log");
        assertEquals(0, reopened.unfinished("primary", 0, 10).size());
        assertEquals(0, reopened.deadLetters("primary", 0, 10).size());
        int sent = primary.batches().stream().mapToInt(List::size).sum();
        Wal again = Wal.builder(reopened).target(primary).config(config).clock(clock).build().start();
        clock.advance(Duration.ofMinutes(2));
        CompactionResult compacted = again.admin().compact();
        assertTrue(compacted.entriesDropped() > 0, "entries past retention are compacted: " + compacted);
        assertTrue(reopened.status(2, "primary").isEmpty(), "the rejected entry went with its segment");
        again.stop(Duration.ofSeconds(5));
        assertEquals(sent, primary.batches().stream().mapToInt(List::size).sum(), "nothing was sent again after the reopen");
        assertTrue(!primary.appliedSeqs().contains(2L) && primary.appliedSeqs().size() == ENTRIES - 1);
    }
}
