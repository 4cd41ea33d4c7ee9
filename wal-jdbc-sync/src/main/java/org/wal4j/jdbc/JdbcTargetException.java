package org.wal4j.jdbc;

import org.wal4j.WalException;

/**
 * A {@link JdbcSyncTarget} could not do what was asked of it as a whole: create or validate its
 * schema, read its checkpoint, or commit a batch whose failure it cannot pin on one entry. The
 * message names the target, the table or batch, and the SQL error (SQLSTATE, vendor code,
 * message). Failures of single entries are not thrown; they are reported in the
 * {@link org.wal4j.spi.ApplyResult}.
 *
 * <p>Thread-safe once thrown: its state does not change (apart from suppressed exceptions, as for
 * any {@link Throwable}).
 */
public class JdbcTargetException extends WalException {
    private static final long serialVersionUID = 1L;

    private final String target;

    public JdbcTargetException(String target, String message, Throwable cause) {
        super("target '" + target + "': " + message, cause);
        this.target = target;
    }

    /** The name of the target that failed. */
    public String target() {
        return target;
    }
}
