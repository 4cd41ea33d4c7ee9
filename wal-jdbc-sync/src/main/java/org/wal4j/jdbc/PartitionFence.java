package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.wal4j.LaneId;
import org.wal4j.PartitionFencedException;
import org.wal4j.WalEntry;
import org.wal4j.spi.ApplyPartitions;

/**
 * Fencing of {@link JdbcSyncTarget} for a log shared by several instances: which apply partitions
 * this instance has claimed, at which epoch, and the check that keeps an instance that lost a
 * partition from applying anything of it.
 *
 * <h2>The owners table</h2>
 * One row per (target name, partition): {@code epoch}, {@code owner} (who claimed last) and
 * {@code claimed_at}. A claim ({@link #claim}) raises the row's epoch by one in a transaction of
 * its own ({@code UPDATE ... SET epoch = epoch + 1}), reads it back, commits, and remembers it for
 * the partition. Every batch of a claiming instance then starts its transaction with
 * {@code SELECT epoch, owner ... FOR UPDATE} on its partition's row ({@link #hold}) and goes on
 * only if the row still has the remembered epoch; otherwise the batch is rolled back before it
 * wrote anything and {@link PartitionFencedException} is thrown.
 *
 * <h2>Why the row lock</h2>
 * Comparing epochs alone would leave a window: an old owner that read the epoch and then paused
 * (a GC, a SIGSTOP) could commit its batch after a new owner's claim. The row lock closes it. The
 * batch holds the row from its first statement to its commit, and a claim's {@code UPDATE} needs
 * the same row: so a claim is ordered after a batch of the old owner that is already under way
 * (it waits for that batch to commit or roll back), and a batch that starts after a claim
 * committed reads the new epoch and is fenced. An old owner paused inside its transaction holds
 * the claim back until its transaction ends: its session must be ended by the database (on
 * PostgreSQL, {@code idle_in_transaction_session_timeout}; on MySQL and MariaDB,
 * {@code wait_timeout}) for the claim to go through; meanwhile the claim fails at the target's
 * query timeout (or the database's lock timeout) and the engine tries again.
 *
 * <h2>Modes</h2>
 * Until the first {@link #claimed} call the fence is not {@link #active}: the target is alone on
 * its log and its batches issue no statement for it. From then on every batch is checked: a batch
 * of a partition this instance does not hold (never claimed, or {@link #release released}) is
 * fenced too.
 *
 * <p>Thread-safe: claims and releases (the engine's ownership thread) and checks (apply threads)
 * share only a concurrent map and a volatile count. The statements run on the caller's
 * connection, with auto-commit off.
 */
final class PartitionFence {
    private final String target;
    private final String table;
    private final String owner;
    private final int queryTimeoutSeconds;
    /** The epoch this instance's claim of each partition read; absent when not held. */
    private final Map<Integer, Long> epochs = new ConcurrentHashMap<>();
    /** The partition count of the first claim; 0 before (not active). Written under {@code this}. */
    private volatile int partitions;

    PartitionFence(String target, String table, String owner, int queryTimeoutSeconds) {
        this.target = target;
        this.table = table;
        this.owner = owner;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /** Whether a partition was ever claimed: then every batch is checked. */
    boolean active() {
        return partitions > 0;
    }

    /** Who this instance is in the owners table. */
    String owner() {
        return owner;
    }

    String table() {
        return table;
    }

    /**
     * Checks a claim's arguments and remembers the partition count, which makes the fence
     * {@link #active}.
     *
     * @throws IllegalArgumentException if {@code partitions} is not between 1 and
     *                                  {@link ApplyPartitions#MAX}, {@code partition} not between 0
     *                                  and {@code partitions - 1}, or an earlier claim gave another count
     */
    synchronized void claimed(int partition, int partitions) {
        if (partitions < 1 || partitions > ApplyPartitions.MAX) {
            throw new IllegalArgumentException("partitions must be between 1 and " + ApplyPartitions.MAX + " but was "
                    + partitions);
        }
        if (partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition must be between 0 and " + (partitions - 1) + " but was "
                    + partition);
        }
        if (this.partitions != 0 && this.partitions != partitions) {
            throw new IllegalArgumentException("target '" + target + "': claim of partition " + partition + " of "
                    + partitions + " partitions, but an earlier claim was of " + this.partitions + " partitions");
        }
        this.partitions = partitions;
    }

    /**
     * Claims {@code partition}: creates its row at epoch 0 if it has none (a concurrent creation
     * by another instance is fine), raises its epoch and records this instance as owner, commits,
     * and remembers the new epoch. The {@code UPDATE} waits while another transaction holds the
     * row: an older owner's batch, which commits or rolls back first.
     *
     * @return the new epoch
     */
    long claim(Connection connection, int partition) throws SQLException {
        long epoch;
        try {
            Long raised = raise(connection, partition);
            if (raised == null) {
                // end the transaction before inserting: on InnoDB the update of a missing row took a gap
                // lock, and two instances inserting into each other's gap would deadlock
                connection.rollback();
                ensureRow(connection, partition);
                raised = raise(connection, partition);
                if (raised == null) {
                    throw new SQLException("the row of partition " + partition + " in table " + table
                            + " vanished after it was created");
                }
            }
            epoch = raised;
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            BookkeepingSchema.rollbackQuietly(connection, e);
            throw e;
        }
        epochs.put(partition, epoch);
        return epoch;
    }

    /** Forgets the claim of {@code partition}: its later batches are fenced. */
    void release(int partition) {
        epochs.remove(partition);
    }

    /**
     * First thing in a batch's transaction: locks the row of the batch's partition until the
     * transaction ends, and checks that this instance still holds the partition at the epoch it
     * claimed.
     *
     * @throws PartitionFencedException if it does not (the caller rolls back)
     * @throws IllegalArgumentException if the batch holds entries of several partitions
     */
    void hold(Connection connection, List<WalEntry> batch) throws SQLException {
        int count = partitions;
        int partition = partitionOf(batch, count);
        Long mine = epochs.get(partition);
        try (PreparedStatement select = connection.prepareStatement("SELECT epoch, owner FROM " + table
                + " WHERE target_name = ? AND partition_no = ? FOR UPDATE")) {
            select.setQueryTimeout(queryTimeoutSeconds);
            select.setString(1, target);
            select.setInt(2, partition);
            try (ResultSet rows = select.executeQuery()) {
                boolean found = rows.next();
                long epoch = found ? rows.getLong(1) : 0;
                String holder = found ? rows.getString(2) : null;
                if (mine != null && found && mine == epoch) {
                    return;
                }
                throw new PartitionFencedException(partition, "target '" + target + "': partition " + partition
                        + " of " + count + " is fenced: this instance ('" + owner + "') "
                        + (mine == null ? "holds no claim of it" : "claimed it at epoch " + mine) + ", and table "
                        + table + (found ? " has epoch " + epoch + ", claimed by '" + holder + "'" : " has no row for it")
                        + "; nothing of the batch (seq " + batch.get(0).seq() + ".." + batch.get(batch.size() - 1).seq()
                        + ") was applied");
            }
        }
    }

    /** The partition of the batch: that of its first entry's first lane, as the engine routes it. */
    private int partitionOf(List<WalEntry> batch, int count) {
        int partition = ApplyPartitions.of(LaneId.of(batch.get(0)), count);
        for (WalEntry entry : batch) {
            int other = ApplyPartitions.of(LaneId.of(entry), count);
            if (other != partition) {
                throw new IllegalArgumentException("target '" + target + "': a batch must hold entries of one apply "
                        + "partition, but seq " + batch.get(0).seq() + " is of partition " + partition + " and seq "
                        + entry.seq() + " of partition " + other + " (of " + count + ")");
            }
        }
        return partition;
    }

    /** Raises the epoch of {@code partition}'s row and records this owner; the new epoch, or null if there is no row. */
    private Long raise(Connection connection, int partition) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET epoch = epoch + 1, "
                + "owner = ?, claimed_at = CURRENT_TIMESTAMP WHERE target_name = ? AND partition_no = ?")) {
            update.setQueryTimeout(queryTimeoutSeconds);
            update.setString(1, owner);
            update.setString(2, target);
            update.setInt(3, partition);
            if (update.executeUpdate() == 0) {
                return null;
            }
        }
        return read(connection, partition);
    }

    /** Inserts the row of {@code partition} at epoch 0 and commits, unless another instance did. */
    private void ensureRow(Connection connection, int partition) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (target_name, partition_no, epoch, owner) VALUES (?, ?, 0, ?)")) {
            insert.setQueryTimeout(queryTimeoutSeconds);
            insert.setString(1, target);
            insert.setInt(2, partition);
            insert.setString(3, owner);
            insert.executeUpdate();
            connection.commit();
        } catch (SQLException e) {
            // most likely another instance inserted the same row first (a duplicate key): fine if it is there now
            BookkeepingSchema.rollbackQuietly(connection, e);
            Long there;
            try {
                there = read(connection, partition);
                connection.rollback();
            } catch (SQLException again) {
                again.addSuppressed(e);
                throw again;
            }
            if (there == null) {
                throw e;
            }
        }
    }

    private Long read(Connection connection, int partition) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT epoch FROM " + table
                + " WHERE target_name = ? AND partition_no = ?")) {
            select.setQueryTimeout(queryTimeoutSeconds);
            select.setString(1, target);
            select.setInt(2, partition);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }
}
