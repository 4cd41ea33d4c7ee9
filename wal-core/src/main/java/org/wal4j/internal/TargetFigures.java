package org.wal4j.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wal4j.BreakerState;
import org.wal4j.NamespaceStats;
import org.wal4j.TargetStats;

/**
 * The engine's {@link TargetStats}: one snapshot of a target's figures. Internal, so a new figure
 * changes this constructor and no user's code. Immutable and thread-safe.
 */
record TargetFigures(String target, BreakerState breakerState, long unfinishedEntries, long unfinishedBytes, double lagSeconds, Map<String, NamespaceStats> namespaces, long deadLetters, long checkpoint, long applied, long retried, long deadLettered, long rejected, long expired, long attempts, long applyCalls, long applyLatencyP50Micros, long applyLatencyP99Micros, long applyLatencyP999Micros) implements TargetStats {
    TargetFigures {
        namespaces = Collections.unmodifiableMap(new LinkedHashMap<>(namespaces)); // keeps the name order
    }
}
