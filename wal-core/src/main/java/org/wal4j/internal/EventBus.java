package org.wal4j.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.event.WalEvent;
import org.wal4j.event.WalListener;

/**
 * Hands events to the listeners, synchronously. A listener that throws is logged at WARN with the
 * event and skipped: it never reaches the engine, nor stops the other listeners.
 *
 * <p>Thread-safe.
 */
final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final List<WalListener> listeners = new CopyOnWriteArrayList<>();

    EventBus(List<WalListener> initial) {
        listeners.addAll(initial);
    }

    void add(WalListener listener) {
        listeners.add(listener);
    }

    /** True when nobody listens: callers skip building events. */
    boolean isEmpty() {
        return listeners.isEmpty();
    }

    void publish(WalEvent event) {
        for (WalListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                LOG.warn("wal4j listener {} threw on {}; ignored", listener, event, e);
            }
        }
    }
}
