package org.wal4j.jdbc.testing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What callers of an {@link AccountDao} did, to compare a database with: per account, the
 * trades attempted in call order (each with a sequence number increasing per account), and
 * which calls returned (were acknowledged durable). {@link #verify} checks the database's final
 * state against it:
 * <ul>
 *   <li>exactly once: every acknowledged trade has exactly one row; an attempted trade whose
 *       call did not return (the process died) has at most one; no other rows exist;</li>
 *   <li>lane order: an account's rows, in commit order (row id), have increasing sequence
 *       numbers, and each row's balance-after is the running sum of the amounts before it;</li>
 *   <li>atomicity: each balance is the sum of its account's trade rows (no balance update
 *       without its row, or the reverse).</li>
 * </ul>
 *
 * <p>Thread-safe: writers record concurrently.
 */
public final class AccountsModel {
    private final Map<String, List<Trade>> attempted = new ConcurrentHashMap<>();
    private final Map<String, String> accountOf = new ConcurrentHashMap<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    /** A call to book {@code trade} on {@code accountId} is about to be made; calls of one account are recorded in order. */
    public void attempted(String accountId, Trade trade) {
        List<Trade> trades = attempted.computeIfAbsent(accountId, a -> new ArrayList<>());
        synchronized (trades) {
            trades.add(trade);
        }
        accountOf.put(trade.tradeId(), accountId);
    }

    /** The call booking {@code tradeId} returned: it is durable in the log. */
    public void acknowledged(String tradeId) {
        if (!accountOf.containsKey(tradeId)) {
            throw new IllegalArgumentException("trade " + tradeId + " was acknowledged but never attempted");
        }
        acknowledged.add(tradeId);
    }

    public int attemptedCount() {
        return accountOf.size();
    }

    /** The acknowledged trades' ids, as of now. */
    public Set<String> acknowledgedIds() {
        return Set.copyOf(acknowledged);
    }

    public int acknowledgedCount() {
        return acknowledged.size();
    }

    /**
     * Checks {@code rows} (all trade rows, any order) and {@code balances} against the model.
     *
     * @return what was found
     * @throws AssertionError naming the first difference
     */
    public Verification verify(List<TradeRow> rows, Map<String, BigDecimal> balances) {
        Map<String, Integer> copies = new HashMap<>();
        Map<String, List<TradeRow>> byAccount = new LinkedHashMap<>();
        List<TradeRow> sorted = new ArrayList<>(rows);
        sorted.sort((a, b) -> Long.compare(a.rowId(), b.rowId()));
        for (TradeRow row : sorted) {
            String account = accountOf.get(row.tradeId());
            if (account == null) {
                throw new AssertionError("trade row " + row + " was never attempted");
            }
            if (!account.equals(row.accountId())) {
                throw new AssertionError("trade row " + row + " is on the wrong account; attempted on " + account);
            }
            if (copies.merge(row.tradeId(), 1, Integer::sum) > 1) {
                throw new AssertionError("trade " + row.tradeId() + " was applied more than once: " + rowsOf(sorted,
                        row.tradeId()));
            }
            byAccount.computeIfAbsent(row.accountId(), a -> new ArrayList<>()).add(row);
        }
        for (String tradeId : acknowledged) {
            if (!copies.containsKey(tradeId)) {
                throw new AssertionError("acknowledged trade " + tradeId + " of account " + accountOf.get(tradeId)
                        + " was never applied");
            }
        }
        Set<String> accounts = new HashSet<>(attempted.keySet());
        accounts.addAll(byAccount.keySet());
        for (String account : accounts) {
            checkLane(account, byAccount.getOrDefault(account, List.of()), balances.get(account));
        }
        return new Verification(rows.size(), accounts.size(), acknowledged.size(), accountOf.size() - copies.size());
    }

    private static void checkLane(String account, List<TradeRow> rows, BigDecimal balance) {
        BigDecimal running = BigDecimal.ZERO;
        long lastSequence = Long.MIN_VALUE;
        for (TradeRow row : rows) {
            if (row.sequence() <= lastSequence) {
                throw new AssertionError("account " + account + ": trade " + row.tradeId() + " (sequence " + row.sequence()
                        + ") was applied after sequence " + lastSequence + ": lane order broken");
            }
            lastSequence = row.sequence();
            running = running.add(row.amount());
            if (running.compareTo(row.balanceAfter()) != 0) {
                throw new AssertionError("account " + account + ": trade " + row.tradeId() + " says the balance after it was "
                        + row.balanceAfter() + ", but the trades before it add up to " + running);
            }
        }
        BigDecimal actual = balance == null ? BigDecimal.ZERO : balance;
        if (running.compareTo(actual) != 0) {
            throw new AssertionError("account " + account + ": balance " + actual + " but its " + rows.size()
                    + " trade rows add up to " + running);
        }
    }

    private static List<TradeRow> rowsOf(List<TradeRow> rows, String tradeId) {
        List<TradeRow> out = new ArrayList<>();
        rows.stream().filter(r -> r.tradeId().equals(tradeId)).forEach(out::add);
        return out;
    }

    /**
     * What {@link #verify} found.
     *
     * @param rows             trade rows in the database
     * @param accounts         accounts checked
     * @param acknowledged     acknowledged trades, each found exactly once
     * @param unacknowledgedAbsent attempted trades whose call never returned and that are not in the database
     */
    public record Verification(int rows, int accounts, int acknowledged, int unacknowledgedAbsent) {
    }
}
