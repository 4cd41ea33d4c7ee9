package org.wal4j.spring;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.wal4j.jdbc.testing.ForwardingDataSource;

/**
 * A DataSource a test switches off or makes hang: while down, {@code getConnection} fails with
 * SQLSTATE 08001; while hung, it blocks until the hang ends or its thread is interrupted (then it
 * fails with 08001).
 */
final class SwitchableDataSource extends ForwardingDataSource {
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicReference<@Nullable CountDownLatch> hang = new AtomicReference<>();

    SwitchableDataSource(DataSource target) {
        super(target);
    }

    void down(boolean isDown) {
        down.set(isDown);
    }

    /** Makes {@code getConnection} block (true) until called with false. */
    void hang(boolean hung) {
        CountDownLatch was = hang.getAndSet(hung ? new CountDownLatch(1) : null);
        if (was != null) {
            was.countDown();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        CountDownLatch hung = hang.get();
        if (hung != null) {
            try {
                hung.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while the test made the database hang", "08001", e);
            }
        }
        if (down.get()) {
            throw new SQLException("the test switched the database off", "08001");
        }
        return target.getConnection();
    }
}
