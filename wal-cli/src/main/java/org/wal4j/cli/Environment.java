package org.wal4j.cli;

import java.time.Clock;
import java.util.Objects;
import org.wal4j.AuditSink;

/**
 * What the commands take from the world around them rather than from their options: the clock
 * (lag, retention cut-off, load timing), where audit events go, and who the operating-system
 * user is (the default {@code --user} of audited commands). Tests substitute their own.
 *
 * <p>Immutable and thread-safe if the audit sink is.
 *
 * @param clock     the time
 * @param auditSink where requeues, discards and re-applies are recorded
 * @param osUser    the operating-system user running the command
 */
record Environment(Clock clock, AuditSink auditSink, String osUser) {
    Environment {
        Objects.requireNonNull(clock, "clock must not be null");
        Objects.requireNonNull(auditSink, "auditSink must not be null");
        Objects.requireNonNull(osUser, "osUser must not be null");
    }

    /** The real world: the UTC system clock, the {@code org.wal4j.audit} logger, {@code user.name}. */
    static Environment system() {
        return new Environment(Clock.systemUTC(), AuditSink.slf4j(), System.getProperty("user.name", "unknown"));
    }
}
