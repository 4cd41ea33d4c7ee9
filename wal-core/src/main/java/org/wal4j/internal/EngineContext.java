package org.wal4j.internal;

import org.wal4j.WalConfig;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spi.WalStorage;

/**
 * What the workers and the engine's parts share. The members are thread-safe themselves.
 */
final class EngineContext {
    /** Told when the storage refuses a write, a status record, a checkpoint or a read. */
    interface FailureSink {
        void storageFailed(String operation, Throwable cause);
    }

    final WalStorage storage;
    final WalConfig config;
    final Timekeeper time;
    final EventBus events;
    final Backpressure backpressure;
    final CompletionTracker tracker;
    final AckWatermark watermark;
    final FailureSink failures;
    /** When this process saw each entry; starts with the entries acknowledged before {@code watermark}. */
    final AppendTimeline timeline;
    /** Observes writes and applies; {@link Instrumentation#NONE} unless the application gave one. */
    final Instrumentation instrumentation;
    /** Releases backpressure as entries finish; on a shared log, only this instance's own entries. */
    final OwnWrites ownWrites;
    /** Who hears each latency sample as it is measured. */
    final LatencyListeners latencies = new LatencyListeners();

    EngineContext(WalStorage storage, WalConfig config, Timekeeper time, EventBus events, Backpressure backpressure,
                  CompletionTracker tracker, AckWatermark watermark, FailureSink failures,
                  Instrumentation instrumentation) {
        this.storage = storage;
        this.config = config;
        this.time = time;
        this.events = events;
        this.backpressure = backpressure;
        this.tracker = tracker;
        this.watermark = watermark;
        this.failures = failures;
        this.instrumentation = instrumentation;
        this.timeline = new AppendTimeline(time, watermark.get());
        this.ownWrites = new OwnWrites(storage.sharedPartitions().isPresent(), backpressure, storage);
    }
}
