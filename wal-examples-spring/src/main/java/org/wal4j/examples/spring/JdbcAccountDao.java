package org.wal4j.examples.spring;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.wal4j.spring.WalRepository;

/**
 * The DAO as an application writes it, with Spring Boot's {@link JdbcTemplate}; {@link WalRepository}
 * makes the bean the application gets a proxy of {@link AccountDao} whose deposits go through the
 * log. wal4j applies a deposit by calling this class, inside a transaction that also records the
 * entry as applied, so the two statements and that record commit together or not at all.
 */
@Repository
@WalRepository
public class JdbcAccountDao implements AccountDao {
    private final JdbcTemplate jdbc;

    public JdbcAccountDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void deposit(String account, String depositId, BigDecimal amount) {
        if (jdbc.update("UPDATE account SET balance = balance + ? WHERE id = ?", amount, account) == 0) {
            jdbc.update("INSERT INTO account (id, balance) VALUES (?, ?)", account, amount);
        }
        jdbc.update("INSERT INTO deposit (deposit_id, account, amount) VALUES (?, ?, ?)", depositId, account, amount);
    }

    @Override
    public Optional<Account> find(String account) {
        List<Account> found = jdbc.query("SELECT a.id, a.balance, (SELECT COUNT(*) FROM deposit d WHERE d.account = a.id) "
                + "FROM account a WHERE a.id = ?", (rs, row) -> new Account(rs.getString(1), rs.getBigDecimal(2), rs.getLong(3)),
                account);
        return found.stream().findFirst();
    }
}
