package org.wal4j.spring.ledger;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The application's beans: the schema, the service and the DAO (marked {@code @WalRepository}). */
@Configuration(proxyBeanMethods = false)
public class LedgerConfiguration {
    /** Creates the tables and account 'a' (balance 0) when the context starts. */
    @Bean
    LedgerSchema ledgerSchema(JdbcTemplate jdbc) {
        return new LedgerSchema(jdbc);
    }

    @Bean
    LedgerService ledgerService(JdbcTemplate jdbc) {
        return new LedgerService(jdbc);
    }

    @Bean
    LedgerFaults ledgerFaults() {
        return new LedgerFaults();
    }

    @Bean
    JdbcLedgerDao ledgerDao(JdbcTemplate jdbc, LedgerService service, DataSource dataSource, LedgerFaults faults,
            LedgerSchema schema) {
        return new JdbcLedgerDao(jdbc, service, dataSource, faults);
    }

    /** The ledger's tables. */
    public static final class LedgerSchema {
        LedgerSchema(JdbcTemplate jdbc) {
            jdbc.execute("CREATE TABLE IF NOT EXISTS balance (account VARCHAR(64) PRIMARY KEY, amount DECIMAL(19, 2) NOT NULL)");
            jdbc.execute("CREATE TABLE IF NOT EXISTS ledger (trade_id VARCHAR(64) PRIMARY KEY, account VARCHAR(64) NOT NULL, "
                    + "amount DECIMAL(19, 2) NOT NULL)");
            jdbc.update("DELETE FROM ledger");
            jdbc.update("DELETE FROM balance");
            jdbc.update("INSERT INTO balance (account, amount) VALUES ('a', 0)");
        }
    }
}
