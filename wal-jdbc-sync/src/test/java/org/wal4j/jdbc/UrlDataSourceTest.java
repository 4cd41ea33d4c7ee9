package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class UrlDataSourceTest {

    @Test
    void getConnection_opensANewConnectionOfTheAcceptingDriver_withTheGivenCredentials() throws SQLException {
        UrlDataSource dataSource = UrlDataSource.of("jdbc:h2:mem:url-data-source;DB_CLOSE_DELAY=-1", "sa", "");
        try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection()) {
            assertNotSame(first, second);
            try (Statement s = first.createStatement()) {
                s.execute("CREATE TABLE t (v INT)");
                s.execute("INSERT INTO t VALUES (7)");
            }
            try (Statement s = second.createStatement(); ResultSet rows = s.executeQuery("SELECT v, CURRENT_USER FROM t")) {
                assertTrue(rows.next());
                assertEquals(7, rows.getInt(1));
                assertEquals("SA", rows.getString(2));
            }
            try (Statement s = first.createStatement()) {
                s.execute("SHUTDOWN");
            }
        }
    }

    @Test
    void of_aUrlNoDriverAccepts_failsAsAConnectionError_namingTheUrl() {
        SQLException e = assertThrows(SQLException.class, () -> UrlDataSource.of("jdbc:nosuchdb://host/db", null, null));
        assertEquals("08001", e.getSQLState());
        assertEquals("no JDBC driver on the class path accepts the URL jdbc:nosuchdb://host/db", e.getMessage());
    }

    @Test
    void of_anEmptyUrl_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UrlDataSource.of(" ", null, null));
        assertEquals("JDBC URL must not be empty, got ' '", e.getMessage());
    }

    @Test
    void withoutSecrets_masksPasswordParametersAndUserInfo() {
        assertEquals("jdbc:postgresql://db:5432/app?user=wal&password=***&ssl=true",
                UrlDataSource.withoutSecrets("jdbc:postgresql://db:5432/app?user=wal&password=s3cr3t&ssl=true"));
        assertEquals("jdbc:h2:mem:x;PASSWORD=***;MODE=MySQL", UrlDataSource.withoutSecrets("jdbc:h2:mem:x;PASSWORD=pw;MODE=MySQL"));
        assertEquals("jdbc:mariadb://wal:***@db/app", UrlDataSource.withoutSecrets("jdbc:mariadb://wal:pw@db/app"));
        assertEquals("jdbc:h2:mem:x", UrlDataSource.withoutSecrets("jdbc:h2:mem:x"));
    }

    @Test
    void toString_neverShowsThePassword() throws SQLException {
        String shown = UrlDataSource.of("jdbc:h2:mem:x;PASSWORD=hunter2", null, null).toString();
        assertEquals("UrlDataSource{jdbc:h2:mem:x;PASSWORD=***}", shown);
    }
}
