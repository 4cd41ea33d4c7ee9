package org.wal4j.jdbc;

import java.sql.SQLException;
import org.wal4j.WalEntry;

/** Human-readable descriptions of failures, for dead-letter reasons and exception messages. */
final class SqlFailures {
    /** Reasons are kept with dead letters: long enough for a driver's message, not unbounded. */
    static final int MAX_REASON_LENGTH = 2000;

    private SqlFailures() {
    }

    /** {@code SQLSTATE 23505, vendor code 0: <message>}, plus the driver's chained next exception. */
    static String describe(Throwable failure) {
        if (failure instanceof DaoCallApplier.DaoCallException && failure.getCause() != null) {
            return describe(failure.getCause()); // a DAO's checked exception: describe it as the DAO threw it
        }
        SQLException sql = SqlStateClassifier.firstSqlException(failure);
        StringBuilder text = new StringBuilder();
        if (sql == null) {
            text.append(failure.getClass().getName()).append(": ").append(failure.getMessage());
        } else {
            if (sql != failure) {
                text.append(failure.getClass().getName()).append(": ").append(failure.getMessage()).append("; caused by ");
            }
            appendSql(text, sql);
            SQLException next = sql.getNextException();
            if (next != null && next != sql && !String.valueOf(sql.getMessage()).equals(next.getMessage())) {
                text.append("; next: ");
                appendSql(text, next);
            }
        }
        return abbreviate(text.toString());
    }

    /** {@code entry seq=12 id=... operation=sql on target 'primary'}. */
    static String entry(WalEntry entry, String target) {
        return "entry seq=" + entry.seq() + " id=" + entry.id() + " operation=" + entry.operation()
                + " on target '" + target + "'";
    }

    private static void appendSql(StringBuilder text, SQLException e) {
        text.append("SQLSTATE ").append(e.getSQLState()).append(", vendor code ").append(e.getErrorCode())
                .append(": ").append(e.getMessage());
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH - 3) + "...";
    }
}
