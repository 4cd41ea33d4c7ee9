package org.wal4j.examples.spring;

import java.math.BigDecimal;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The REST endpoints. A deposit answers {@code 202 Accepted} once it is durable in the log (the
 * database may be down: wal4j applies it when it is back); the account answers what the database
 * holds so far.
 */
@RestController
public class AccountController {
    private final AccountDao accounts;

    public AccountController(AccountDao accounts) {
        this.accounts = accounts;
    }

    /** Deposits {@code amount} to account {@code id}: 202, or 400 for a missing id or a non-positive amount. */
    @PostMapping("/accounts/{id}/deposits")
    public ResponseEntity<Map<String, Object>> deposit(@PathVariable("id") String id, @RequestBody Deposit deposit) {
        if (deposit.depositId() == null || deposit.depositId().isBlank() || deposit.amount() == null
                || deposit.amount().compareTo(BigDecimal.ZERO) <= 0) {
            return ResponseEntity.badRequest().body(Map.of("error",
                    "a deposit needs a depositId and a positive amount, but was " + deposit));
        }
        accounts.deposit(id, deposit.depositId(), deposit.amount());
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(Map.of("account", id, "depositId", deposit.depositId(), "amount", deposit.amount(), "status", "durable"));
    }

    /** The account as the database has it: 200, or 404 before its first deposit is applied. */
    @GetMapping("/accounts/{id}")
    public ResponseEntity<Account> account(@PathVariable("id") String id) {
        return ResponseEntity.of(accounts.find(id));
    }
}
