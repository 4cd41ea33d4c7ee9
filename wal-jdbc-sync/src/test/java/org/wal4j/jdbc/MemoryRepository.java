package org.wal4j.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.jdbc.testing.ForwardingDataSource;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * A Wal on the file log with one {@link JdbcSyncTarget} named {@code primary} on an in-memory H2
 * database, for the repository's unit tests: quick to build, real transactions. The database can
 * be switched {@link #down()} (every new connection fails with SQLSTATE 08001). Not thread-safe
 * to set up.
 */
final class MemoryRepository implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    final Switchable dataSource;
    final JdbcSyncTarget target;
    final Wal wal;

    MemoryRepository(Path logDir) {
        this(logDir, TestWals.config());
    }

    MemoryRepository(Path logDir, WalConfig config) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:repository" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        dataSource = new Switchable(h2);
        target = JdbcSyncTarget.builder("primary", dataSource).build();
        wal = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(logDir))).config(config)
                .target(target).build();
    }

    /** Wraps {@code dao}, which also applies the calls on {@code primary}, and starts the Wal. */
    <T> T wrap(Class<T> daoInterface, T dao, UnaryOperator<RepositoryOptions.Builder> options) {
        T proxy = DurableRepository.builder(daoInterface).target(target, dao)
                .options(options.apply(RepositoryOptions.builder()).build()).build(wal);
        wal.start();
        return proxy;
    }

    /** The seq of the last entry written, 0 if none. */
    long lastSeq() {
        return wal.stats().lastSeq();
    }

    void down() {
        dataSource.down = true;
    }

    void up() {
        dataSource.down = false;
    }

    @Override
    public void close() {
        wal.stop(Duration.ofSeconds(5));
    }

    /** A data source that refuses connections while down. Thread-safe. */
    static final class Switchable extends ForwardingDataSource {
        volatile boolean down;

        Switchable(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down) {
                throw new SQLException("connection refused (the test switched the database off)", "08001");
            }
            return target.getConnection();
        }
    }
}
