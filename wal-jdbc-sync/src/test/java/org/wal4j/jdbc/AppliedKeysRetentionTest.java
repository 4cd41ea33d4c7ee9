package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.Wal;
import org.wal4j.WalConfig;

/** A JDBC target's applied-keys retention follows the retention of the Wal it is added to, unless set. */
class AppliedKeysRetentionTest {
    private static JdbcDataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    @Test
    void unset_followsTheWalsRetention_set_staysAsSet() {
        JdbcSyncTarget following = JdbcSyncTarget.builder("primary", h2("following")).build();
        JdbcSyncTarget explicit = JdbcSyncTarget.builder("replica", h2("explicit"))
                .appliedKeysRetention(Duration.ofDays(30)).build();
        assertEquals(JdbcSyncTarget.DEFAULT_APPLIED_KEYS_RETENTION, following.appliedKeysRetention(),
                "before it is added to a Wal");

        WalConfig config = WalConfig.builder().retention(Duration.ofDays(2)).build();
        try (Wal wal = Wal.builder(InMemoryWalStorage.withMaxEntryBytes(InMemoryWalStorage.DEFAULT_MAX_ENTRY_BYTES)).config(config)
                .target(following).target(explicit).build()) {
            assertEquals(List.of("primary", "replica"), wal.targets());
            assertEquals(Duration.ofDays(2), following.appliedKeysRetention());
            assertEquals(Duration.ofDays(30), explicit.appliedKeysRetention());
        }
    }
}
