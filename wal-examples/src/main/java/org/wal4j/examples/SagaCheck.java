package org.wal4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.wal4j.EntryStatus;
import org.wal4j.ReplayRecord;
import org.wal4j.WalEntry;

/**
 * The saga example's checks, each recorded as one line starting with {@code ok} or {@code FAIL}.
 *
 * <p>Not thread-safe.
 */
final class SagaCheck {
    private final List<String> lines = new ArrayList<>();
    private int failures;

    /** The check lines so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    int failures() {
        return failures;
    }

    private void record(boolean ok, String text) {
        lines.add((ok ? "ok   " : "FAIL ") + text);
        if (!ok) {
            failures++;
        }
    }

    void rows(DataSource database, String table, int expected) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            long found = rows.getLong(1);
            record(found == expected, "the ledger's " + table + " holds " + found + " rows (expected " + expected + ")");
        }
    }

    /** The provider carried out exactly one charge per order, of the order's amount. */
    void charges(List<WalEntry> handled, ObjectMapper mapper, Map<String, BigDecimal> expected) {
        Map<String, BigDecimal> charged = new LinkedHashMap<>();
        boolean twice = false;
        for (WalEntry entry : handled) {
            PaymentProvider.Charge charge = entry.payloadAs(mapper, PaymentProvider.Charge.class);
            twice |= charged.put(charge.orderId(), charge.amount()) != null;
        }
        boolean same = !twice && charged.keySet().equals(expected.keySet()) && expected.entrySet().stream()
                .allMatch(e -> e.getValue().compareTo(charged.get(e.getKey())) == 0);
        record(same, "the provider charged each order once: " + (twice ? "some twice, " : "") + charged);
    }

    void attempts(String what, SagaEvents.Applied applied, int expected) {
        record(applied != null && applied.attempts() == expected, what + " applied at attempt "
                + (applied == null ? "none" : applied.attempts()) + " (expected " + expected + ")");
    }

    void deadThenApplied(String what, String deadReason, SagaEvents.Applied applied) {
        record(deadReason != null && applied != null, what + " dead-lettered (" + deadReason + "), then "
                + (applied == null ? "never applied" : "applied after the requeue"));
    }

    void delayed(String what, SagaEvents.Applied applied, Duration atLeast) {
        record(applied != null && applied.afterCreation().compareTo(atLeast) >= 0, what + " applied "
                + (applied == null ? "never" : applied.afterCreation().toMillis() + " ms after it was written")
                + " (at least " + atLeast.toMillis() + " ms)");
    }

    void texts(Map<Long, EntryStatus> statuses, List<EntryStatus> expected, int delivered) {
        long expectedDelivered = expected.stream().filter(s -> s == EntryStatus.APPLIED).count();
        record(List.copyOf(statuses.values()).equals(expected) && delivered == expectedDelivered, "texts " + statuses
                + " (expected " + expected + "); the gateway delivered " + delivered);
    }

    void replayed(String how, List<ReplayRecord> records, List<Long> expectedSeqs) {
        List<Long> seqs = records.stream().map(r -> r.entry().seq()).toList();
        record(seqs.equals(expectedSeqs), "replay " + how + " returned seqs " + seqs + " (expected " + expectedSeqs + ")");
    }
}
