package org.wal4j.examples;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wal4j.examples.TradingCall.ClosePosition;
import org.wal4j.examples.TradingCall.OpenAccount;
import org.wal4j.examples.TradingCall.OpenPosition;
import org.wal4j.examples.TradingDao.Account;
import org.wal4j.examples.TradingDao.Position;
import org.wal4j.examples.TradingDao.Side;
import org.wal4j.examples.TradingDao.TradeRecord;

/**
 * The demo's own record of what the ledger must hold: every call the trader made and wal4j
 * acknowledged, applied in memory with the same rules as {@link JdbcTradingDao}. It never reads
 * the database; {@link LedgerCheck} compares the two at the end.
 *
 * <p>Not thread-safe: one trader thread owns it.
 */
final class TradingModel {
    private final Map<String, Account> accounts = new TreeMap<>();
    private final Map<String, Map<String, Position>> positions = new TreeMap<>();
    private final Map<String, TradeRecord> trades = new LinkedHashMap<>();
    private long calls;

    /**
     * Records an acknowledged call.
     *
     * @return for a {@link ClosePosition}, the realized profit the database must answer; otherwise null
     * @throws IllegalStateException if the call breaks the ledger's rules (a bug in the caller)
     */
    BigDecimal apply(TradingCall call) {
        calls++;
        if (call instanceof OpenAccount open) {
            if (accounts.putIfAbsent(open.accountId(), new Account(open.accountId(), open.owner(), open.deposit())) != null) {
                throw new IllegalStateException("account " + open.accountId() + " is already open");
            }
            positions.put(open.accountId(), new TreeMap<>());
            return null;
        }
        if (call instanceof OpenPosition buy) {
            Trade trade = buy.trade();
            BigDecimal cash = cash(buy.accountId()).subtract(trade.amount());
            if (cash.signum() < 0 || held(buy.accountId()).containsKey(trade.symbol())) {
                throw new IllegalStateException("the ledger would refuse " + call);
            }
            held(buy.accountId()).put(trade.symbol(), new Position(buy.accountId(), trade.symbol(), trade.quantity(),
                    trade.amount()));
            book(buy.accountId(), trade, Side.BUY, cash);
            return null;
        }
        ClosePosition sell = (ClosePosition) call;
        Trade trade = sell.trade();
        Position position = held(sell.accountId()).remove(trade.symbol());
        if (position == null || position.quantity() != trade.quantity()) {
            throw new IllegalStateException("the ledger would refuse " + call);
        }
        book(sell.accountId(), trade, Side.SELL, cash(sell.accountId()).add(trade.amount()));
        return trade.amount().subtract(position.cost());
    }

    /** Records an acknowledged deposit; returns the cash after it, which the database must answer. */
    BigDecimal deposit(String accountId, BigDecimal amount) {
        calls++;
        return setCash(accountId, cash(accountId).add(amount));
    }

    /**
     * Records an acknowledged transfer that the ledger accepts, in the order the calls were made.
     *
     * @throws IllegalStateException if the paying account holds less (the ledger would refuse it)
     */
    void transfer(String fromAccountId, String toAccountId, BigDecimal amount) {
        BigDecimal left = cash(fromAccountId).subtract(amount);
        if (left.signum() < 0) {
            throw new IllegalStateException("the ledger would refuse a transfer of " + amount + " from " + fromAccountId
                    + ", which holds " + cash(fromAccountId));
        }
        calls++;
        setCash(fromAccountId, left);
        setCash(toAccountId, cash(toAccountId).add(amount));
    }

    private BigDecimal setCash(String accountId, BigDecimal cash) {
        Account account = accounts.get(accountId);
        accounts.put(accountId, new Account(accountId, account.owner(), cash));
        return cash;
    }

    private void book(String accountId, Trade trade, Side side, BigDecimal cashAfter) {
        Account account = accounts.get(accountId);
        accounts.put(accountId, new Account(accountId, account.owner(), cashAfter));
        trades.put(trade.tradeId(), new TradeRecord(trade.tradeId(), accountId, trade.symbol(), side, trade.quantity(),
                trade.price(), cashAfter));
    }

    /** Calls recorded, account openings included. */
    long calls() {
        return calls;
    }

    List<String> accountIds() {
        return List.copyOf(accounts.keySet());
    }

    BigDecimal cash(String accountId) {
        Account account = accounts.get(accountId);
        if (account == null) {
            throw new IllegalStateException("no account " + accountId);
        }
        return account.cash();
    }

    /** The account's open positions by symbol (read-only). */
    Map<String, Position> positions(String accountId) {
        return Collections.unmodifiableMap(held(accountId));
    }

    private Map<String, Position> held(String accountId) {
        Map<String, Position> held = positions.get(accountId);
        if (held == null) {
            throw new IllegalStateException("no account " + accountId);
        }
        return held;
    }

    List<Account> accounts() {
        return List.copyOf(accounts.values());
    }

    List<Position> positions() {
        List<Position> out = new ArrayList<>();
        positions.values().forEach(held -> out.addAll(held.values()));
        return out;
    }

    /** Every trade, in the order the trader made them. */
    List<TradeRecord> trades() {
        return List.copyOf(trades.values());
    }
}
