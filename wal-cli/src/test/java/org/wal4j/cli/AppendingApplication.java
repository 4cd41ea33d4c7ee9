package org.wal4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * A stand-in application for {@link ReadOnlyWhileHeldTest}, run in a child JVM: it opens the log
 * in {@code args[0]} (small segments, so it rotates), prints {@code ready}, then appends an entry
 * every millisecond or so, marks most of them applied, saves checkpoints and compacts now and
 * then, until its standard input closes; then it closes the log and prints
 * {@code appended <lastSeq>}. Any failure prints {@code failed: ...} and exits 1.
 */
public final class AppendingApplication {
    private AppendingApplication() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        AtomicBoolean stop = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // wait for the parent to close our standard input
                }
            } catch (IOException e) {
                // the parent is gone: stop as well
            }
            stop.set(true);
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
        FileStorageConfig config = FileStorageConfig.builder(dir).segmentBytes(16 * 1024).build();
        long last = 0;
        try (FileWalStorage storage = FileWalStorage.open(config)) {
            for (int i = 0; i < 20; i++) {
                last = append(storage, i);
            }
            System.out.println("ready");
            System.out.flush();
            for (int i = 20; !stop.get(); i++) {
                last = append(storage, i);
                if (i % 50 == 0) {
                    storage.saveCheckpoint("primary", last - 10).join();
                    storage.compact(last - 10, Instant.now());
                }
                Thread.sleep(1);
            }
        } catch (RuntimeException e) {
            System.out.println("failed: " + e);
            System.exit(1);
        }
        System.out.println("appended " + last);
    }

    private static long append(FileWalStorage storage, int i) {
        WalEntry e = WalEntry.builder("orders", "debit").key("account-" + (i % 5)).targets("primary")
                .payloadJson("{\"n\":" + i + "}").build();
        AppendResult r = storage.append(List.of(e));
        long seq = r.firstSeq();
        if (seq > 5) {
            // everything but the last few is applied; one in 97 dead-lettered
            EntryStatus status = (seq - 5) % 97 == 0 ? EntryStatus.DEAD : EntryStatus.APPLIED;
            storage.appendStatus(List.of(new StatusRecord(seq - 5, "primary", status, 1, Instant.now(),
                    status == EntryStatus.DEAD ? "boom" : null)));
        }
        return seq;
    }
}
