/**
 * Applies wal4j entries to relational databases over JDBC, and wraps DAOs so that their critical
 * writes go through the log: {@link org.wal4j.jdbc.DurableRepository} (the DAO proxy, with
 * {@link org.wal4j.jdbc.Critical}, {@link org.wal4j.jdbc.LaneKey},
 * {@link org.wal4j.jdbc.IdempotencyKey} and {@link org.wal4j.jdbc.RepositoryOptions}; a
 * {@link org.wal4j.jdbc.CallReceipt} waits for a call's apply; its calls answer with
 * {@link org.wal4j.jdbc.NotYetAppliedException}, {@link org.wal4j.jdbc.EntryNotAppliedException}
 * and {@link org.wal4j.jdbc.StaleReadException} when the database has not applied them),
 * {@link org.wal4j.jdbc.JdbcSyncTarget}
 * (one transaction per batch, exactly-once effect through an applied-keys table),
 * {@link org.wal4j.jdbc.SqlStatementEntry} (entries that are one SQL statement),
 * {@link org.wal4j.jdbc.EntryApplier} (how other entries become SQL),
 * {@link org.wal4j.jdbc.TransactionAwareDataSource} (lets a DAO's SQL join the apply
 * transaction), {@link org.wal4j.jdbc.SqlDialect} and {@link org.wal4j.jdbc.SqlStateClassifier}.
 * Everything else in this package is package-private.
 *
 * <p>The module brings no JDBC driver: the application supplies its own, with a pooled
 * {@link javax.sql.DataSource}.
 */
package org.wal4j.jdbc;
