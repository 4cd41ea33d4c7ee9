package org.wal4j.examples;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.wal4j.StorageStats;
import org.wal4j.Wal;
import org.wal4j.WriteResult;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.SqlStatementEntry;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * The smallest complete use of wal4j: SQL updates written durably to a file log, applied to an
 * embedded H2 database by the background worker, then the log reopened to show what it kept.
 *
 * <p>Run: {@code mvn -B -q -pl wal-examples -am compile exec:java -Dexec.mainClass=org.wal4j.examples.QuickStart}
 * (optionally {@code -Dexec.args=/path/to/log-dir}).
 */
public final class QuickStart {
    private static final int TRANSFERS = 1_000;

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("wal4j-quickstart");
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:quickstart;DB_CLOSE_DELAY=-1");
        createAccounts(database);

        FileWalStorage storage = FileWalStorage.open(FileStorageConfig.ofDefaults(dir));
        Wal wal = Wal.builder(storage)
                .target("primary", JdbcSyncTarget.builder("primary", database).build())
                .build()
                .start();
        System.out.println("Writing " + TRANSFERS + " balance changes to the log in " + dir);
        WriteResult last = null;
        for (int i = 0; i < TRANSFERS; i++) {
            String account = "acct-" + (i % 3);
            last = wal.write(SqlStatementEntry.builder("accounts",
                    "UPDATE account SET balance = balance + ? WHERE id = ?", BigDecimal.ONE, account).key(account));
        }
        System.out.println("Every write was acknowledged once durable; the last one is seq " + last.seq()
                + " (durable: " + last.durable() + ")");
        wal.awaitApplied(last.seq(), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
        wal.flushLane("accounts", "acct-0", Duration.ofSeconds(30));
        wal.flushLane("accounts", "acct-1", Duration.ofSeconds(30));
        System.out.println("Applied to the database: " + balances(database));
        wal.stop(Duration.ofSeconds(10));

        try (FileWalStorage reopened = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            StorageStats stats = reopened.stats();
            System.out.println("Reopened the log: " + stats.entries() + " entries in " + stats.segments()
                    + " segment(s), " + stats.unfinished() + " still to apply, checkpoint "
                    + stats.checkpoints());
        }
    }

    private static void createAccounts(JdbcDataSource database) throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id VARCHAR(32) PRIMARY KEY, balance DECIMAL(19, 2) NOT NULL)");
            s.execute("INSERT INTO account VALUES ('acct-0', 0), ('acct-1', 0), ('acct-2', 0)");
        }
    }

    private static String balances(JdbcDataSource database) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, balance FROM account ORDER BY id")) {
            while (rs.next()) {
                out.append(out.length() == 0 ? "" : ", ").append(rs.getString(1)).append('=').append(rs.getBigDecimal(2));
            }
        }
        return out.toString();
    }
}
