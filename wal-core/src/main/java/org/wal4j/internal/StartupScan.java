package org.wal4j.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.WriteResult;
import org.wal4j.spi.AppendChecks;
import org.wal4j.spi.WalStorage;

/**
 * What {@code start()} rebuilds from the log, in one sequential pass over every entry held when
 * the pass begins ({@link WalStorage#scan} up to {@link WalStorage#lastSeq} as of then: on a log
 * shared by several instances the others keep appending, and their later entries reach this
 * instance as it runs, as every entry appended after its start does): the caller-supplied
 * idempotency keys of entries created within the retention period (with their original results,
 * as far as the log knows them), and per target the count and payload bytes of PENDING or
 * RETRYING entries (for backpressure) and of dead letters.
 *
 * <p>Cost: reading the whole retained log once at start, so I/O proportional to its size (about
 * the retention period's writes plus whatever is unfinished), and heap only for the keys kept.
 * Runs once, on the thread calling {@code start()}.
 */
final class StartupScan {
    private static final Logger LOG = LoggerFactory.getLogger(StartupScan.class);

    private StartupScan() {
    }

    /**
     * Runs the scan.
     *
     * @param metrics per target this Wal drains, its figures; entries of other targets are left alone
     */
    static void run(WalStorage storage, IdempotencyRegistry registry, Backpressure backpressure,
                    Map<String, TargetMetrics> metrics, Instant keyCutoff) {
        long entries = 0;
        long keys = 0;
        // the log as it is now: on a shared log other instances keep appending, and a scan to the end would chase them
        long through = storage.lastSeq();
        // on a shared log backpressure counts this instance's own writes only (OwnWrites)
        boolean shared = storage.sharedPartitions().isPresent();
        try (Stream<WalEntry> all = storage.scan(1)) {
            for (WalEntry e : (Iterable<WalEntry>) all::iterator) {
                if (e.seq() > through) {
                    break;
                }
                entries++;
                if (!e.idempotencyKey().equals(e.id()) && !e.createdAt().isBefore(keyCutoff)) {
                    registry.restore(e.idempotencyKey(), new WriteResult(e.seq(), e.id(), e.idempotencyKey(),
                            e.createdAt(), true, Map.of(), false), e.tenantId());
                    keys++;
                }
                long bytes = -1;
                for (String target : e.targets()) {
                    TargetMetrics m = metrics.get(target);
                    if (m == null) {
                        continue; // a target this Wal does not have
                    }
                    EntryStatus status = storage.status(e.seq(), target).orElse(EntryStatus.APPLIED);
                    if ((status == EntryStatus.PENDING || status == EntryStatus.RETRYING) && !shared) {
                        bytes = bytes < 0 ? AppendChecks.utf8Length(e.payload()) : bytes;
                        backpressure.add(target, List.of(e), bytes);
                    } else if (status == EntryStatus.DEAD) {
                        m.deadLetters.incrementAndGet();
                    }
                }
            }
        }
        storage.stats().unfinishedByTarget().forEach((target, count) -> {
            if (count > 0 && !metrics.containsKey(target)) {
                LOG.warn("{} entries are unfinished for target '{}', which this Wal does not have; they stay in the "
                        + "log until a Wal with that target drains them", count, target);
            }
        });
        LOG.info("Started from a log of {} entries: {} idempotency keys within the retention period", entries, keys);
    }
}
