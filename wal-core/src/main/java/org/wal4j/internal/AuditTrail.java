package org.wal4j.internal;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.AuditEvent;
import org.wal4j.AuditSink;
import org.wal4j.UserContext;
import org.wal4j.WalAction;

/**
 * Sends audit events to the {@link AuditSink}, stamped with the clock. A sink that throws is
 * logged and does not fail the audited call.
 *
 * <p>Thread-safe if the sink is.
 */
final class AuditTrail {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    private final AuditSink sink;
    private final Timekeeper time;

    AuditTrail(AuditSink sink, Timekeeper time) {
        this.sink = sink;
        this.time = time;
    }

    /** Records one event; the nullable fields are null as {@link AuditEvent} says. */
    void record(UserContext user, WalAction action, boolean allowed, @Nullable String namespace,
                @Nullable String operation, long seq, @Nullable String target, long count, @Nullable String detail) {
        AuditEvent event = new AuditEvent(time.wallNow(), action, user.userId(), user.tenantId(), allowed, namespace,
                operation, seq, target, count, detail);
        try {
            sink.record(event);
        } catch (RuntimeException e) {
            LOG.warn("wal4j audit sink {} threw on {}; ignored", sink, event, e);
        }
    }
}
