package org.wal4j.bench;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The PostgreSQL server the benchmarks write to: an embedded PostgreSQL (zonky) started from its
 * Maven artifact, with its data directory on the real disk and configured durable, as a production
 * server is.
 *
 * <h2>Lifecycle</h2>
 * One server per JVM: {@link #shared()} starts it on first use and it stops (deleting its data
 * directory) when the JVM exits. A JMH fork is one JVM, so each forked trial gets its own server;
 * with forks 0 (the smoke test) all trials share one, which keeps the suite fast. Each trial takes
 * a fresh database from {@link #createDatabase(String)} and drops it when done, so trials never see
 * each other's rows.
 *
 * <h2>Durability</h2>
 * zonky turns {@code synchronous_commit} off by default; here it is on, with {@code fsync} on, and
 * both are read back after start ({@link #durabilitySettings()}): a server that does not report
 * them on refuses to be used, because its figures would not compare with an fsynced log.
 *
 * <p>Thread-safe.
 */
final class EmbeddedPostgresServer {

    /** Settings read back after start and printed in the report. */
    private static final List<String> REPORTED_SETTINGS =
            List.of("server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes");

    @GuardedBy("EmbeddedPostgresServer.class")
    private static EmbeddedPostgresServer shared;

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final Map<String, String> settings;
    private final AtomicInteger databaseCounter = new AtomicInteger();

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) throws SQLException {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.settings = readSettings(postgres.getPostgresDatabase());
        requireOn("fsync");
        requireOn("synchronous_commit");
    }

    /**
     * The server of this JVM, started on first call (about a second; the binaries are extracted
     * once per machine).
     *
     * @throws UncheckedIOException  if the server cannot start
     * @throws IllegalStateException if it starts without fsync and synchronous commit
     */
    static synchronized EmbeddedPostgresServer shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static EmbeddedPostgresServer start() {
        Path dataDirectory = BenchDirectories.create("postgres");
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(true)
                    .setRegisterShutdownHook(true)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
            try {
                return new EmbeddedPostgresServer(postgres, dataDirectory);
            } catch (SQLException | RuntimeException e) {
                postgres.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL in " + dataDirectory, e);
        } catch (SQLException e) {
            throw new IllegalStateException("Embedded PostgreSQL in " + dataDirectory + " started but cannot be queried", e);
        }
    }

    /**
     * A new, empty database named {@code <prefix>_<n>}; close it to drop it.
     *
     * @throws SQLException if the database cannot be created
     */
    BenchDatabase createDatabase(String prefix) throws SQLException {
        if (!prefix.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("prefix must be lower-case letters, digits and underscores but was '"
                    + prefix + "'");
        }
        String name = prefix + "_" + databaseCounter.incrementAndGet();
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return new BenchDatabase(name, postgres.getDatabase("postgres", name));
    }

    /** Values of fsync, synchronous_commit and the other settings that decide commit cost. */
    Map<String, String> durabilitySettings() {
        return settings;
    }

    /** Where the server keeps its data. */
    Path dataDirectory() {
        return dataDirectory;
    }

    private void dropDatabase(String name) throws SQLException {
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private void requireOn(String setting) {
        if (!"on".equals(settings.get(setting))) {
            throw new IllegalStateException("Embedded PostgreSQL reports " + setting + "=" + settings.get(setting)
                    + "; benchmarks need it on");
        }
    }

    private static Map<String, String> readSettings(DataSource dataSource) throws SQLException {
        Map<String, String> values = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            for (String setting : REPORTED_SETTINGS) {
                try (ResultSet row = statement.executeQuery("SHOW " + setting)) {
                    row.next();
                    values.put(setting, row.getString(1));
                }
            }
        }
        return Collections.unmodifiableMap(values);
    }

    /**
     * One database of the shared server, for one trial.
     *
     * <p>Thread-safe: the data source hands out independent connections.
     */
    final class BenchDatabase implements AutoCloseable {
        private final String name;
        private final DataSource dataSource;

        private BenchDatabase(String name, DataSource dataSource) {
            this.name = name;
            this.dataSource = dataSource;
        }

        String name() {
            return name;
        }

        DataSource dataSource() {
            return dataSource;
        }

        /** A new connection to this database; the caller closes it. */
        Connection connect() throws SQLException {
            return dataSource.getConnection();
        }

        /** Drops the database, closing any connection still open to it. */
        @Override
        public void close() throws SQLException {
            dropDatabase(name);
        }
    }
}
