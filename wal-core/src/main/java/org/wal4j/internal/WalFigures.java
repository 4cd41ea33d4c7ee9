package org.wal4j.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wal4j.TargetStats;
import org.wal4j.WalState;
import org.wal4j.WalStats;
import org.wal4j.spi.StorageStats;

/**
 * The engine's {@link WalStats}: one snapshot. Internal, so a new figure changes this constructor
 * and no user's code. Immutable and thread-safe.
 */
record WalFigures(WalState state, long lastSeq, long unfinishedEntries, long unfinishedBytes, long deadLetters,
                  long writes, long duplicateWrites, long writeLatencyP50Micros, long writeLatencyP99Micros,
                  long writeLatencyP999Micros, long idempotencyKeys, Map<String, TargetStats> targets,
                  StorageStats storage) implements WalStats {
    WalFigures {
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets)); // keeps the targets' order
    }
}
