package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.WalIOException;
import org.wal4j.WalState;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StorageState;
import org.wal4j.storage.file.FaultInjectingFileSystem.Op;
import org.wal4j.testing.Await;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * RELIABILITY row 17 through the manager: a compaction whose temp file cannot be written (a full
 * disk) is thrown to the caller of {@link org.wal4j.WalAdmin#compact()} but does not stop the Wal, which keeps
 * writing and applying; the next compaction succeeds.
 */
class WalCompactionFailureTest {
    private static final int ENTRIES = 200;

    @TempDir
    Path dir;

    @Test
    void failedCompaction_isThrownToTheCaller_butTheWalKeepsWriting() {
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(3);
        FileWalStorage storage = FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(2048).fileSystem(fs)
                .build());
        ManualClock clock = ManualClock.atEpochOfTests();
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", clock);
        Wal wal = Wal.builder(storage).target(primary)
                .config(WalConfig.builder().retention(Duration.ofMinutes(1)).build()).clock(clock).build().start();
        try {
            // every other entry created long ago, the others now: every segment keeps something and must be
            // rewritten through a temp file
            for (int i = 0; i < ENTRIES; i++) {
                wal.write(WalEntry.builder("orders", "place").key("o-" + (i % 5)).payloadJson("{\"n\":" + i + "}")
                        .createdAt(clock.instant().minus(Duration.ofMinutes(i % 2 == 0 ? 10 : 0))));
            }
            Await.until(() -> primary.applied().size() == ENTRIES, () -> "applied " + primary.applied().size());
            clock.advance(Duration.ofSeconds(30)); // past the checkpoint interval
            Await.until(() -> storage.checkpoint("primary") == storage.lastSeq(), "the checkpoint was saved");
            fs.failOn(Op.WRITE, p -> p.getFileName().toString().endsWith(".tmp"), 1, true,
                    FaultInjectingFileSystem::noSpace, false);

            WalIOException e = assertThrows(WalIOException.class, () -> wal.admin().compact());

            assertTrue(e.getMessage().contains(" failed: the disk is full (IOException: No space left on device); "),
                    e.getMessage());
            assertEquals(StorageState.OPEN, storage.stats().state());
            assertEquals(WalState.RUNNING, wal.state());
            wal.write(WalEntry.builder("orders", "place").key("o-1").payloadJson("{\"n\":-1}"));
            Await.until(() -> primary.applied().size() == ENTRIES + 1, () -> "applied " + primary.applied().size());
            fs.clearFaults();
            CompactionResult retry = wal.admin().compact();
            assertTrue(retry.segmentsRewritten() >= 1, "the rewrite that failed, done now: " + retry);
        } finally {
            wal.stop(Duration.ofSeconds(5));
        }
    }
}
