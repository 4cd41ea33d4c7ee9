package org.wal4j.spring.web;

import java.math.BigDecimal;
import java.sql.SQLException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.wal4j.spring.ledger.LedgerDao;

/** The web tests' REST endpoints over the wrapped DAOs: each write answers 202 once it is durable in the log. */
@RestController
public class LedgerController {
    private final LedgerDao ledger;
    private final NotesDao notes;

    public LedgerController(LedgerDao ledger, NotesDao notes) {
        this.ledger = ledger;
        this.notes = notes;
    }

    @PostMapping("/ledger/{account}/trades/{tradeId}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public void book(@PathVariable("account") String account, @PathVariable("tradeId") String tradeId,
            @RequestParam("amount") BigDecimal amount) throws SQLException {
        ledger.book(account, tradeId, amount);
    }

    @PostMapping("/ledger/{account}/notes")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public void note(@PathVariable("account") String account, @RequestBody String text) {
        notes.note(account, text);
    }

    @GetMapping("/ledger/{account}")
    public BigDecimal balance(@PathVariable("account") String account) {
        return ledger.balance(account);
    }
}
