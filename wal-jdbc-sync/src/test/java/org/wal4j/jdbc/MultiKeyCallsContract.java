package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.LaneId;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.TestDatabase;

/**
 * A call that touches several keys ({@code @LaneKey} on two parameters): a transfer between two
 * accounts is ordered in both accounts' lanes, so a read of either with read-your-writes sees it,
 * even behind a backlog of the other account. One subclass per engine; a fresh database per test.
 */
@Timeout(120)
abstract class MultiKeyCallsContract {
    /** A payments DAO as the user had it: transfers, deposits, balances and histories. */
    interface PaymentsDao {
        @Critical(namespace = "payments")
        void open(@LaneKey String account) throws SQLException;

        @Critical(namespace = "payments")
        void deposit(@LaneKey String account, BigDecimal amount) throws SQLException;

        @Critical(namespace = "payments")
        void transfer(@LaneKey String from, @LaneKey String to, BigDecimal amount) throws SQLException;

        BigDecimal balance(@LaneKey String account) throws SQLException;

        List<String> history(@LaneKey String account) throws SQLException;
    }

    /** Plain JDBC; each deposit takes a millisecond, so a backlog drains slowly. */
    static final class JdbcPaymentsDao implements PaymentsDao {
        private final DataSource dataSource;

        JdbcPaymentsDao(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public void open(String account) throws SQLException {
            inTransaction(c -> update(c, "INSERT INTO pay_account (id, balance) VALUES (?, 0)", account));
        }

        @Override
        public void deposit(String account, BigDecimal amount) throws SQLException {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", e);
            }
            inTransaction(c -> {
                update(c, "UPDATE pay_account SET balance = balance + ? WHERE id = ?", amount, account);
                update(c, "INSERT INTO pay_history (account_id, note) VALUES (?, ?)", account, "deposit " + amount);
            });
        }

        @Override
        public void transfer(String from, String to, BigDecimal amount) throws SQLException {
            inTransaction(c -> {
                update(c, "UPDATE pay_account SET balance = balance - ? WHERE id = ?", amount, from);
                update(c, "UPDATE pay_account SET balance = balance + ? WHERE id = ?", amount, to);
                update(c, "INSERT INTO pay_history (account_id, note) VALUES (?, ?)", from, "to " + to + " " + amount);
                update(c, "INSERT INTO pay_history (account_id, note) VALUES (?, ?)", to, "from " + from + " " + amount);
            });
        }

        @Override
        public BigDecimal balance(String account) throws SQLException {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT balance FROM pay_account WHERE id = ?")) {
                s.setString(1, account);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getBigDecimal(1) : BigDecimal.ZERO;
                }
            }
        }

        @Override
        public List<String> history(String account) throws SQLException {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement(
                         "SELECT note FROM pay_history WHERE account_id = ? ORDER BY row_id")) {
                s.setString(1, account);
                List<String> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
                return out;
            }
        }

        private interface Work {
            void run(Connection c) throws SQLException;
        }

        private void inTransaction(Work work) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    work.run(c);
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            }
        }

        private static void update(Connection c, String sql, Object... values) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    s.setObject(i + 1, values[i]);
                }
                s.executeUpdate();
            }
        }
    }

    @TempDir
    Path logDir;
    TestDatabase db;
    Wal wal;
    PaymentsDao payments;

    abstract DatabaseEngine engine();

    @BeforeEach
    void start() throws SQLException {
        db = engine().createDatabase(getClass().getSimpleName());
        db.execute("CREATE TABLE pay_account (id VARCHAR(64) PRIMARY KEY, balance DECIMAL(19, 2) NOT NULL)",
                "CREATE TABLE pay_history (row_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                        + "account_id VARCHAR(64) NOT NULL, note VARCHAR(200) NOT NULL)");
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", dataSource).build();
        wal = TestWals.open(logDir, target);
        payments = DurableRepository.builder(PaymentsDao.class).target(target, new JdbcPaymentsDao(dataSource))
                .options(RepositoryOptions.builder().readYourWrites(Duration.ofSeconds(60)).build())
                .build(wal);
        wal.start();
    }

    @AfterEach
    void stop() {
        if (wal != null) {
            wal.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTransferBehindABacklogOfItsDebitedAccount_isSeenByReadsOfTheCreditedAccount() throws Exception {
        payments.open("A");
        payments.open("B");
        for (int i = 0; i < 300; i++) {
            payments.deposit("A", BigDecimal.TEN);
        }
        payments.transfer("A", "B", new BigDecimal("500"));

        assertEquals(0, new BigDecimal("500").compareTo(payments.balance("B")),
                "read-your-writes on the credited account waits for the transfer");
        assertEquals(List.of("from A 500"), payments.history("B"));
        assertEquals(0, new BigDecimal("2500").compareTo(payments.balance("A")));
        List<String> historyOfA = payments.history("A");
        assertEquals(301, historyOfA.size());
        assertEquals("to B 500", historyOfA.get(300), "after every deposit written before it");

        WalEntry transfer = transfers().get(0);
        assertEquals("A", transfer.key());
        assertEquals(List.of(LaneId.of("payments", "A"), LaneId.of("payments", "B")), transfer.lanes());
    }

    @Test
    void transfersBothWays_andDeposits_keepEachAccountsOrder_andATransferToItselfIsOneLane() throws Exception {
        payments.open("A");
        payments.open("B");
        payments.deposit("A", new BigDecimal("100"));
        payments.transfer("A", "B", new BigDecimal("30"));
        payments.deposit("B", new BigDecimal("5"));
        payments.transfer("B", "A", new BigDecimal("10"));
        payments.transfer("B", "B", new BigDecimal("1"));
        payments.deposit("A", new BigDecimal("2"));

        assertEquals(List.of("deposit 100", "to B 30", "from B 10", "deposit 2"), payments.history("A"));
        assertEquals(List.of("from A 30", "deposit 5", "to A 10", "to B 1", "from B 1"), payments.history("B"));
        assertEquals(0, new BigDecimal("82").compareTo(payments.balance("A")));
        assertEquals(0, new BigDecimal("25").compareTo(payments.balance("B")));
        List<WalEntry> transfers = transfers();
        assertEquals(List.of(List.of("B"), List.of("A"), List.of()), transfers.stream().map(WalEntry::alsoKeys).toList(),
                "a transfer to the same account names its lane once");
    }

    private List<WalEntry> transfers() {
        try (Stream<ReplayRecord> records = wal.admin().replay(ReplayQuery.builder()
                .operation("PaymentsDao#transfer(String,String,BigDecimal)").build())) {
            return records.map(ReplayRecord::entry).toList();
        }
    }
}
