package org.wal4j.spring;

import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalState;
import org.wal4j.event.StorageFailed;
import org.wal4j.event.WalEvent;
import org.wal4j.event.WalListener;

/**
 * Remembers the first {@link StorageFailed} event of the {@code Wal}: the reason the Wal went
 * {@link WalState#FAILED}, which {@code WalStats} does not carry. A {@link WalListener} bean, so the
 * auto-configuration adds it to the Wal before it starts.
 *
 * <p>Thread-safe: a worker or the storage's writer records, health checks and the endpoint read.
 */
final class LastStorageFailure implements WalListener {
    private final AtomicReference<@Nullable String> reason = new AtomicReference<>();

    @Override
    public void onEvent(WalEvent event) {
        if (event instanceof StorageFailed failed) {
            // the first failure poisoned the storage; later ones are its consequences
            reason.compareAndSet(null, "storage failed during " + failed.operation() + " at " + failed.at() + ": "
                    + failed.cause());
        }
    }

    /** {@return why the storage failed, or null if it did not (in this process)} */
    @Nullable String reason() {
        return reason.get();
    }
}
