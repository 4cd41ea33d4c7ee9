package org.wal4j;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where audit events go: every write, replay, re-apply, dead-letter listing, requeue and
 * discard, allowed or denied. The default, {@link #slf4j()}, logs one line per event to the
 * logger {@value #LOGGER_NAME}; route that logger to its own file to keep an audit trail.
 *
 * <p>Called on the caller's thread, synchronously; an exception it throws is logged and does
 * not fail the audited call. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AuditSink {
    /** Name of the logger {@link #slf4j()} writes to. */
    String LOGGER_NAME = "org.wal4j.audit";

    void record(AuditEvent event);

    /** Logs each event at INFO (denials at WARN) to the logger {@value #LOGGER_NAME}. */
    static AuditSink slf4j() {
        Logger log = LoggerFactory.getLogger(LOGGER_NAME);
        return event -> {
            if (event.allowed() ? log.isInfoEnabled() : log.isWarnEnabled()) {
                String line = "action=" + event.action() + " allowed=" + event.allowed() + " user=" + event.userId()
                        + " tenant=" + event.tenantId() + " namespace=" + event.namespace()
                        + " operation=" + event.operation() + " seq=" + event.seq() + " target=" + event.target()
                        + " count=" + event.count() + " at=" + event.at() + " detail=" + event.detail();
                if (event.allowed()) {
                    log.info(line);
                } else {
                    log.warn(line);
                }
            }
        };
    }

    /** Drops every event. */
    static AuditSink none() {
        return event -> { };
    }
}
