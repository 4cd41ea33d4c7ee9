package org.wal4j.examples;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.wal4j.LaneId;
import org.wal4j.Wal;
import org.wal4j.WriteResult;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.SqlStatementEntry;
import org.wal4j.spi.StorageStats;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * The smallest complete use of wal4j: SQL updates written durably to a file log, applied to an
 * embedded H2 database by the background worker, then the log reopened to show what it kept.
 *
 * <p>Run: {@code mvn -B -q -pl wal-examples -am test-compile exec:java -Dexec.mainClass=org.wal4j.examples.QuickStart}
 * (optionally {@code -Dexec.args=/path/to/log-dir}; a new temporary directory by default).
 *
 * <p>A program: run it once per process (its in-memory database has a fixed name).
 */
public final class QuickStart {
    private static final int TRANSFERS = 1_000;
    private static final List<String> ACCOUNTS = List.of("acct-0", "acct-1", "acct-2");

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("wal4j-quickstart");
        int status = run(dir, System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the example with its log in {@code dir}; returns 0 on PASS, 1 on FAIL. */
    static int run(Path dir, PrintStream out) throws Exception {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:quickstart;DB_CLOSE_DELAY=-1");
        createAccounts(database);

        FileWalStorage storage = FileWalStorage.open(FileStorageConfig.ofDefaults(dir));
        Wal wal = Wal.builder(storage)
                .target(JdbcSyncTarget.builder("primary", database).build())
                .build()
                .start();
        out.println("Writing " + TRANSFERS + " balance changes to the log in " + dir);
        Map<String, BigDecimal> expected = new LinkedHashMap<>();
        WriteResult last = null;
        for (int i = 0; i < TRANSFERS; i++) {
            String account = ACCOUNTS.get(i % ACCOUNTS.size());
            last = wal.write(SqlStatementEntry.builder("accounts",
                    "UPDATE account SET balance = balance + ? WHERE id = ?", BigDecimal.ONE, account).key(account));
            expected.merge(account, BigDecimal.ONE, BigDecimal::add);
        }
        out.println("Every write was acknowledged once durable; the last one is seq " + last.seq()
                + " (durable: " + last.durable() + ")");
        wal.awaitApplied(last.seq(), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
        for (String account : ACCOUNTS) {
            wal.flushLane(LaneId.of("accounts", account), Duration.ofSeconds(30));  // each account is a lane of its own
        }
        Map<String, BigDecimal> balances = balances(database);
        out.println("Applied to the database: " + balances);
        wal.stop(Duration.ofSeconds(10));

        try (FileWalStorage reopened = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            StorageStats stats = reopened.stats();
            out.println("Reopened the log: " + stats.entries() + " entries in " + stats.segments()
                    + " segment(s), " + stats.unfinished() + " still to apply, checkpoint "
                    + stats.checkpoints());
        }
        boolean same = balances.keySet().equals(expected.keySet()) && expected.entrySet().stream()
                .allMatch(e -> e.getValue().compareTo(balances.get(e.getKey())) == 0);
        out.println(same ? "PASS: the balances are " + expected + ", one unit per write"
                : "FAIL: the balances should be " + expected);
        return same ? 0 : 1;
    }

    private static void createAccounts(JdbcDataSource database) throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id VARCHAR(32) PRIMARY KEY, balance DECIMAL(19, 2) NOT NULL)");
            s.execute("INSERT INTO account VALUES ('acct-0', 0), ('acct-1', 0), ('acct-2', 0)");
        }
    }

    private static Map<String, BigDecimal> balances(JdbcDataSource database) throws SQLException {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, balance FROM account ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getBigDecimal(2));
            }
        }
        return out;
    }
}
