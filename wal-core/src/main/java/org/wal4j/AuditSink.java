package org.wal4j;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where audit events go: every write, replay, re-apply, dead-letter listing, requeue and
 * discard, allowed or denied. The default, {@link #slf4j()}, logs one line per event to the
 * logger {@value #LOGGER_NAME}, writes at DEBUG and the rest at INFO or WARN; route that logger
 * to its own file (at DEBUG) to keep a full audit trail.
 *
 * <p>Called on the caller's thread, synchronously; an exception it throws is logged and does
 * not fail the audited call. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AuditSink {
    /** Name of the logger {@link #slf4j()} writes to. */
    String LOGGER_NAME = "org.wal4j.audit";

    void record(AuditEvent event);

    /**
     * Logs each event to the logger {@value #LOGGER_NAME}, quiet by default: an allowed
     * {@link WalAction#WRITE} at DEBUG (one line per write would flood an application's log), the
     * other allowed actions (replay, re-apply, dead-letter listing, requeue, discard: rare, and done
     * by people) at INFO, and every denial at WARN. Set that logger to DEBUG to log every write too.
     */
    static AuditSink slf4j() {
        return slf4j(LoggerFactory.getLogger(LOGGER_NAME));
    }

    /** As {@link #slf4j()}, to {@code log}. */
    static AuditSink slf4j(Logger log) {
        Objects.requireNonNull(log, "log must not be null");
        return event -> {
            boolean write = event.action() == WalAction.WRITE;
            boolean enabled = !event.allowed() ? log.isWarnEnabled() : write ? log.isDebugEnabled() : log.isInfoEnabled();
            if (!enabled) {
                return;
            }
            String line = "action=" + event.action() + " allowed=" + event.allowed() + " user=" + event.userId()
                    + " tenant=" + event.tenantId() + " namespace=" + event.namespace()
                    + " operation=" + event.operation() + " seq=" + event.seq() + " target=" + event.target()
                    + " count=" + event.count() + " at=" + event.at() + " detail=" + event.detail();
            if (!event.allowed()) {
                log.warn(line);
            } else if (write) {
                log.debug(line);
            } else {
                log.info(line);
            }
        };
    }

    /** Drops every event. */
    static AuditSink none() {
        return event -> { };
    }
}
