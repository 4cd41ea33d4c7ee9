package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.LaneId;
import org.wal4j.Wal;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.JdbcAccountDao;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.Trade;

/**
 * The application starts while its database is down, on a HikariCP pool set up as docs/jdbc.md
 * says ({@code initializationFailTimeout=-1}, a short {@code connectionTimeout}): the pool, the
 * target, the Wal and the repository come up, critical calls are durable, and they are applied
 * once the database is back. With Hikari's default the pool's constructor throws instead.
 */
@Timeout(120)
class HikariStartWhileDatabaseDownTest {
    @TempDir
    Path logDir;
    private final DatabaseEngine engine = Engines.h2();
    private Wal wal;
    private HikariDataSource pool;

    @AfterEach
    void stop() {
        engine.start();
        if (wal != null) {
            wal.stop(Duration.ofSeconds(10));
        }
        if (pool != null) {
            pool.close();
        }
    }

    private static HikariConfig config(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setConnectionTimeout(1000);
        config.setValidationTimeout(500);
        return config;
    }

    @Test
    void applicationStarts_withTheDatabaseDown_andAppliesOnceItIsBack() throws Exception {
        TestDatabase db = engine.createDatabase("hikari_down");
        AccountsSchema.create(db);
        engine.stop();

        assertThrows(HikariPool.PoolInitializationException.class, () -> new HikariDataSource(config(db)).close(),
                "Hikari's default initializationFailTimeout (1 ms) fails the start while the database is down");
        HikariConfig config = config(db);
        config.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(config);
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(pool);
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", dataSource).build();
        wal = TestWals.open(logDir, target);
        AccountDao accounts = DurableRepository.builder(AccountDao.class).target(target, new JdbcAccountDao(dataSource))
                .build(wal);
        wal.start();
        accounts.open("acct-1", "Ada");
        accounts.post("acct-1", new Trade("t1", new BigDecimal("12.50"), 1));

        engine.start();
        assertTrue(wal.flushLane(LaneId.of("accounts", "acct-1"), "primary", Duration.ofSeconds(60)));
        assertEquals(new BigDecimal("12.50"), AccountsSchema.balances(db).get("acct-1"));
        assertEquals(1, AccountsSchema.allTrades(db).size());
    }
}
