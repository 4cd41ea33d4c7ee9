package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.testing.TestEntries;
import org.wal4j.WalEntry;
import org.wal4j.WalIOException;

/**
 * A reader thread interrupted during a read of a closed segment closes that segment's
 * {@link java.nio.channels.FileChannel} (a JDK rule); the segment reopens it, so the other
 * readers and the writer go on. Real files, a real interrupt.
 */
class InterruptedReaderTest {
    @TempDir
    Path dir;

    @Test
    void aReaderInterruptedDuringARead_doesNotBreakLaterReadsOfThatSegment() throws Exception {
        try (FileWalStorage s = FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(1024).build())) {
            for (int i = 1; i <= 4; i++) {
                s.append(List.of(TestEntries.sized(i, 400)));
            }
            assertTrue(s.read(1).isPresent(), "the closed segment's channel is open before the interrupt");

            AtomicReference<Object> interruptedRead = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    interruptedRead.set(s.read(1));
                } catch (RuntimeException e) {
                    interruptedRead.set(e);
                }
            });
            reader.start();
            reader.join();
            WalIOException told = assertInstanceOf(WalIOException.class, interruptedRead.get(),
                    "the interrupted reader is told");
            assertEquals("Reading " + dir.resolve("00000000000000000001.wal") + " failed: ClosedByInterruptException",
                    told.getMessage());

            Optional<WalEntry> again = s.read(1);
            assertTrue(again.isPresent());
            assertEquals(1, again.get().seq());
            assertEquals(5, s.append(List.of(TestEntries.sized(5, 400))).lastSeq());
        }
    }
}
