package org.wal4j.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.event.LatencyListener;

/**
 * Hands each latency sample to the {@link LatencyListener}s, synchronously, on the measuring
 * thread. Listeners come and go at any time. One that throws is logged at WARN the first time and
 * at DEBUG after (it would otherwise log once per write), and never stops the others.
 *
 * <p>Thread-safe: copy-on-write; with no listener a sample costs one volatile read.
 */
final class LatencyListeners {
    private static final Logger LOG = LoggerFactory.getLogger(LatencyListeners.class);

    private final List<LatencyListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<LatencyListener> warned = ConcurrentHashMap.newKeySet();

    void add(LatencyListener listener) {
        listeners.add(listener);
    }

    /** Removes {@code listener} (one registration of it); false if it was not added. */
    boolean remove(LatencyListener listener) {
        warned.remove(listener);
        return listeners.remove(listener);
    }

    void write(long nanos) {
        for (LatencyListener listener : listeners) {
            try {
                listener.writeLatency(nanos);
            } catch (RuntimeException e) {
                failed(listener, "a write latency", e);
            }
        }
    }

    void apply(String target, long nanos) {
        for (LatencyListener listener : listeners) {
            try {
                listener.applyLatency(target, nanos);
            } catch (RuntimeException e) {
                failed(listener, "an apply latency of target '" + target + "'", e);
            }
        }
    }

    private void failed(LatencyListener listener, String sample, RuntimeException e) {
        if (warned.add(listener)) {
            LOG.warn("wal4j latency listener {} threw on {}; ignored (further failures of it are logged at DEBUG)",
                    listener, sample, e);
        } else {
            LOG.debug("wal4j latency listener {} threw on {}; ignored", listener, sample, e);
        }
    }
}
