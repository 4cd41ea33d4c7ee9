package org.wal4j.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.EntryStatus;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageStats;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * A storage whose {@code stats()} throws once closed (as a remote log's may): the meters keep the
 * last snapshot rather than throw into the scrape.
 */
@Timeout(60)
class ClosedStorageStatsTest {
    /** The in-memory storage, except that {@code stats()} refuses after {@code close()}. */
    private static final class RefusesStatsWhenClosed implements WalStorage {
        private final InMemoryWalStorage delegate = InMemoryWalStorage.create();
        private volatile boolean closed;

        @Override
        public CompletableFuture<AppendResult> appendAsync(List<WalEntry> entries) {
            return delegate.appendAsync(entries);
        }

        @Override
        public CompletableFuture<Void> appendStatusAsync(List<StatusRecord> records) {
            return delegate.appendStatusAsync(records);
        }

        @Override
        public CompletableFuture<Void> saveCheckpoint(String target, long seq) {
            return delegate.saveCheckpoint(target, seq);
        }

        @Override
        public long checkpoint(String target) {
            return delegate.checkpoint(target);
        }

        @Override
        public CompletableFuture<Void> sync() {
            return delegate.sync();
        }

        @Override
        public CompletableFuture<Void> whenDurable(long seq) {
            return delegate.whenDurable(seq);
        }

        @Override
        public Optional<WalEntry> read(long seq) {
            return delegate.read(seq);
        }

        @Override
        public List<WalEntry> read(long fromSeq, long toSeq, int limit) {
            return delegate.read(fromSeq, toSeq, limit);
        }

        @Override
        public Stream<WalEntry> scan(long fromSeq) {
            return delegate.scan(fromSeq);
        }

        @Override
        public List<TrackedEntry> unfinished(String target, long afterSeq, int limit) {
            return delegate.unfinished(target, afterSeq, limit);
        }

        @Override
        public List<TrackedEntry> deadLetters(@Nullable String target, long afterSeq, int limit) {
            return delegate.deadLetters(target, afterSeq, limit);
        }

        @Override
        public Optional<EntryStatus> status(long seq, String target) {
            return delegate.status(seq, target);
        }

        @Override
        public CompactionResult compact(long safePoint, Instant createdBefore) {
            return delegate.compact(safePoint, createdBefore);
        }

        @Override
        public StorageStats stats() {
            if (closed) {
                throw new WalUnavailableException("the log is closed");
            }
            return delegate.stats();
        }

        @Override
        public long lastSeq() {
            return delegate.lastSeq();
        }

        @Override
        public int maxEntryBytes() {
            return delegate.maxEntryBytes();
        }

        @Override
        public void close() {
            closed = true;
            delegate.close();
        }
    }

    @Test
    void aStorageThatRefusesStatsWhenClosed_leavesTheCountersAtTheirLastValues_andTheGaugesNaN() {
        ManualClock clock = ManualClock.atEpochOfTests();
        Wal wal = Wal.builder(new RefusesStatsWhenClosed()).target(new ScriptedSyncTarget("primary", clock)).clock(clock)
                .build().start();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WalMetrics metrics = WalMetrics.of(wal, WalMetricsOptions.builder().statsMaxAge(Duration.ZERO).build());
        try {
            metrics.bindTo(registry);
            wal.write(WalEntry.builder("orders", "op").key("a").payloadJson("{}"));
            assertEquals(1.0, registry.get(WalMetrics.WRITES).functionCounter().count());

            wal.stop(Duration.ofSeconds(5));

            assertThrows(WalUnavailableException.class, wal::stats, "the storage refuses once closed");
            assertEquals(1.0, registry.get(WalMetrics.WRITES).functionCounter().count(), "the last snapshot's count");
            assertEquals(Double.NaN, registry.get(WalMetrics.OLDEST_PENDING_AGE).tag("target", "primary").gauge().value());
            assertEquals(1.0, registry.get(WalMetrics.STATE).tag("state", "stopped").gauge().value());
        } finally {
            metrics.close();
            wal.stop(Duration.ZERO);
        }
    }
}
