package org.wal4j.jdbc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.wal4j.jdbc.SqlDialect;

/**
 * A real database server for tests, started from Maven artifacts in this JVM: one instance per
 * engine and JVM ({@link Engines}), started on first use, stopped by a shutdown hook. Its data
 * lives in a fresh directory under {@code target/engines} (or {@code -Dwal4j.engines.dir}), so
 * parallel JVMs never share one.
 *
 * <p>{@link #stop()} and {@link #start()} stop and restart the server on the same data directory
 * and port, for outage tests; connections open during a stop are broken. If the server cannot
 * start, {@link #start()} throws with the reason: a test never skips silently.
 *
 * <p>Thread-safe: start and stop are synchronized.
 */
public abstract class DatabaseEngine {
    private final AtomicInteger databaseCounter = new AtomicInteger();
    private final Path directory;
    private boolean running;
    private boolean hookInstalled;
    private Duration firstStartTime;
    private Duration lastStartTime;

    protected DatabaseEngine() {
        String base = System.getProperty("wal4j.engines.dir", "target/engines");
        this.directory = Paths.get(base).toAbsolutePath()
                .resolve(name() + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Short lower-case name: {@code postgresql}, {@code mariadb}, {@code h2}. */
    public abstract String name();

    /** The wal4j dialect this engine speaks. */
    public abstract SqlDialect dialect();

    /** Starts the server if it is not running (first start: a fresh data directory). */
    public final synchronized void start() {
        if (running) {
            return;
        }
        long begin = System.nanoTime();
        try {
            Files.createDirectories(directory);
            startServer(directory);
        } catch (Exception e) {
            throw new IllegalStateException(name() + " test database could not start in " + directory + ": " + e, e);
        }
        running = true;
        lastStartTime = Duration.ofNanos(System.nanoTime() - begin);
        if (firstStartTime == null) {
            firstStartTime = lastStartTime;
            System.out.printf(Locale.ROOT, "[wal4j-test] %s started in %d ms on port %d%n", name(),
                    firstStartTime.toMillis(), port());
        }
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, name() + "-test-engine-shutdown"));
        }
    }

    /** Stops the server, keeping its data and port; connections break. */
    public final synchronized void stop() {
        if (!running) {
            return;
        }
        try {
            stopServer();
        } catch (Exception e) {
            throw new IllegalStateException(name() + " test database could not stop: " + e, e);
        }
        running = false;
    }

    /** {@link #stop()} then {@link #start()}. */
    public final synchronized void restart() {
        stop();
        start();
    }

    public final synchronized boolean isRunning() {
        return running;
    }

    /** How long the first start took (including unpacking binaries and creating the cluster). */
    public final synchronized Duration firstStartTime() {
        return firstStartTime;
    }

    /** How long the latest start took. */
    public final synchronized Duration lastStartTime() {
        return lastStartTime;
    }

    /** The TCP port, the same across restarts. */
    public abstract int port();

    /** A new, empty database on this server, named {@code <prefix>_<n>}; starts the server if needed. */
    public final TestDatabase createDatabase(String prefix) {
        start();
        String name = (prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
                + databaseCounter.incrementAndGet());
        if (name.length() > 48) {
            name = name.substring(name.length() - 48);
        }
        if (!Character.isLetter(name.charAt(0))) {
            name = "d" + name;
        }
        try {
            createDatabaseOnServer(name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + name() + ": " + e, e);
        }
        return new TestDatabase(this, name);
    }

    protected final Path directory() {
        return directory;
    }

    protected abstract void startServer(Path directory) throws Exception;

    protected abstract void stopServer() throws Exception;

    protected abstract void createDatabaseOnServer(String database) throws SQLException;

    /** The JDBC URL of {@code database}. */
    protected abstract String jdbcUrl(String database);

    protected abstract String user();

    protected abstract String password();

    /** A non-pooled data source of {@code database}: every {@code getConnection()} opens a connection. */
    protected abstract DataSource dataSource(String database);

    /** The server-side id of the session behind {@code connection}. */
    protected abstract String sessionId(Connection connection) throws SQLException;

    /** Ends session {@code sessionId} of {@code database} from the server side. */
    protected abstract void killSession(TestDatabase database, String sessionId) throws SQLException;

    /**
     * The operating-system process id of the server's main process (PostgreSQL's postmaster), for
     * tests that stop it with a signal ({@link StoppedServer}).
     *
     * @throws UnsupportedOperationException if this engine does not run as a process of its own
     */
    protected long serverProcessId() {
        throw new UnsupportedOperationException(name() + " does not run as a server process of its own");
    }

    /** True while session {@code sessionId} waits for a row or table lock. */
    protected abstract boolean isWaitingForLock(TestDatabase database, String sessionId) throws SQLException;

    private synchronized void shutdown() {
        try {
            stop();
        } catch (RuntimeException e) {
            System.err.println("[wal4j-test] " + e.getMessage());
        }
        deleteRecursively(directory);
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("[wal4j-test] could not delete " + root + ": " + e);
        }
    }
}
