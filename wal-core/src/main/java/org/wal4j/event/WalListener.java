package org.wal4j.event;

/**
 * Receives the sync engine's {@link WalEvent events}. Called synchronously on the thread that
 * caused the event (a target's worker for entry and breaker events), so keep it fast. An
 * exception it throws is logged and never reaches the engine or other listeners.
 *
 * <p>Implementations must be thread-safe: workers of different targets call concurrently.
 */
@FunctionalInterface
public interface WalListener {
    void onEvent(WalEvent event);
}
