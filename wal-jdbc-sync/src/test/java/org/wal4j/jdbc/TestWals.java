package org.wal4j.jdbc;

import java.nio.file.Path;
import java.time.Duration;
import org.wal4j.Backoff;
import org.wal4j.Lifecycle;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * Wals for the repository's tests: the real file log ({@code SyncPolicy.ALWAYS}) in a directory,
 * and an engine tuned to notice outages and recover within a test's time: the breaker opens
 * after 2 failed calls of 4 and tries again after 200 ms, retries back off from 20 ms to 500 ms,
 * checkpoints are saved every 100 ms. Thread-safe.
 */
final class TestWals {
    private TestWals() {
    }

    static WalConfig config() {
        return WalConfig.builder()
                .breakerSlidingWindowSize(4)
                .breakerMinimumCalls(2)
                .breakerOpenDuration(Duration.ofMillis(200))
                .checkpointInterval(Duration.ofMillis(100))
                .stopTimeout(Duration.ofSeconds(10))
                .defaultLifecycle(Lifecycle.builder().backoff(Backoff.EXPONENTIAL).backoffBase(Duration.ofMillis(20))
                        .backoffCap(Duration.ofMillis(500)).build())
                .build();
    }

    /** A Wal (not started) on the file log in {@code dir}, with {@code targets}, each under its own name. */
    static Wal open(Path dir, JdbcSyncTarget... targets) {
        Wal.Builder builder = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(dir))).config(config());
        for (JdbcSyncTarget target : targets) {
            builder.target(target);
        }
        return builder.build();
    }
}
