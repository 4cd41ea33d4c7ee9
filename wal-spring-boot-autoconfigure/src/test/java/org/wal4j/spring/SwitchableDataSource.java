package org.wal4j.spring;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.wal4j.jdbc.testing.ForwardingDataSource;

/** A DataSource a test switches off: while down, {@code getConnection} fails with SQLSTATE 08001. */
final class SwitchableDataSource extends ForwardingDataSource {
    private final AtomicBoolean down = new AtomicBoolean();

    SwitchableDataSource(DataSource target) {
        super(target);
    }

    void down(boolean isDown) {
        down.set(isDown);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down.get()) {
            throw new SQLException("the test switched the database off", "08001");
        }
        return target.getConnection();
    }
}
