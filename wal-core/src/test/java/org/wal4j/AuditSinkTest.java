package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * The default audit sink is quiet: the audit events of a real write and a real requeue, logged
 * by {@link AuditSink#slf4j(org.slf4j.Logger)} to a logger at INFO, show the requeue only; at
 * DEBUG the write too; a denial at WARN even when INFO is off.
 */
@Timeout(60)
class AuditSinkTest {
    private final Harness h = new Harness("primary");

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** A logger that records the lines it would print at or above its level. */
    static final class RecordingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final Level threshold;

        RecordingLogger(Level threshold) {
            this.threshold = threshold;
            this.name = AuditSink.LOGGER_NAME;
        }

        private boolean enabled(Level level) {
            return level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String message, Object[] arguments,
                                                   Throwable throwable) {
            if (enabled(level)) {
                lines.add(level + " " + message);
            }
        }
    }

    private List<AuditEvent> writeAndRequeue() {
        ScriptedSyncTarget target = h.primary().failPermanently(e -> e.seq() == 1, "rejected");
        h.start();
        h.write("accounts", "acct-1");
        h.settledAll(1);
        target.failPermanently(e -> false, "none");
        assertEquals(1, h.wal.admin().requeue(DeadLetterFilter.all()));
        h.settledAll(1);
        return List.copyOf(h.audits);
    }

    private static List<String> logged(List<AuditEvent> events, Level level) {
        RecordingLogger log = new RecordingLogger(level);
        AuditSink sink = AuditSink.slf4j(log);
        events.forEach(sink::record);
        return log.lines.stream().map(line -> line.substring(0, line.indexOf(" allowed="))).collect(Collectors.toList());
    }

    @Test
    void atInfo_aWriteLogsNothing_aRequeueLogsOneLine() {
        List<AuditEvent> events = writeAndRequeue();
        assertEquals(List.of(WalAction.WRITE, WalAction.REQUEUE), events.stream().map(AuditEvent::action)
                .collect(Collectors.toList()), events::toString);

        assertEquals(List.of("INFO action=REQUEUE"), logged(events, Level.INFO));
        assertEquals(List.of("DEBUG action=WRITE", "INFO action=REQUEUE"), logged(events, Level.DEBUG));
        assertEquals(List.of(), logged(events, Level.WARN));
    }

    @Test
    void aDenial_isLoggedAtWarn_writeOrNot() {
        AuditEvent deniedWrite = new AuditEvent(Instant.EPOCH, WalAction.WRITE, "mallory", null, false, "accounts",
                "debit", 0, null, 1, "no permission");
        AuditEvent deniedDiscard = new AuditEvent(Instant.EPOCH, WalAction.DISCARD, "mallory", null, false, "accounts",
                null, 0, "primary", 0, "no permission");

        assertEquals(List.of("WARN action=WRITE", "WARN action=DISCARD"), logged(List.of(deniedWrite, deniedDiscard),
                Level.WARN));
        RecordingLogger errorOnly = new RecordingLogger(Level.ERROR);
        AuditSink.slf4j(errorOnly).record(deniedWrite);
        assertTrue(errorOnly.lines.isEmpty());
    }
}
