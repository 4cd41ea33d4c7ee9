package org.wal4j.examples;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.wal4j.examples.TradingDao.Account;
import org.wal4j.examples.TradingDao.Position;
import org.wal4j.examples.TradingDao.TradeRecord;

/**
 * Compares what a database holds with what the {@link TradingModel} says it must hold: the same
 * accounts with the same cash, the same open positions, and every trade once with the same fields,
 * including the cash right after it (which only matches if each account's trades were applied in
 * the order they were made). Amounts are compared by value ({@code 1.5} equals {@code 1.50}).
 *
 * <p>Thread-safe: it holds no state.
 */
final class LedgerCheck {
    private LedgerCheck() {
    }

    /** What a ledger holds: accounts, open positions and trades. */
    record Ledger(List<Account> accounts, List<Position> positions, List<TradeRecord> trades) {
        /** What the database behind {@code dao} holds, read through its reads. */
        static Ledger of(TradingDao dao) throws SQLException {
            return new Ledger(dao.accounts(), dao.positions(), dao.trades());
        }

        /** What the model says the ledger must hold. */
        static Ledger of(TradingModel model) {
            return new Ledger(model.accounts(), model.positions(), model.trades());
        }
    }

    /**
     * Every difference between the model and {@code ledger}, one readable line each; empty when
     * they agree.
     */
    static List<String> differences(TradingModel model, Ledger ledger) {
        return differences("the model", Ledger.of(model), "the database", ledger);
    }

    /**
     * Every difference between what {@code expected} holds and what {@code actual} holds, one line
     * each, naming them by {@code expectedName} and {@code actualName}.
     */
    static List<String> differences(String expectedName, Ledger expected, String actualName, Ledger actual) {
        Names names = new Names(expectedName, actualName);
        List<String> out = new ArrayList<>();
        compare("account", expected.accounts(), actual.accounts(), Account::accountId, LedgerCheck::sameAccount,
                names, out);
        compare("position", expected.positions(), actual.positions(), p -> p.accountId() + " " + p.symbol(),
                LedgerCheck::samePosition, names, out);
        compare("trade", expected.trades(), actual.trades(), TradeRecord::tradeId, LedgerCheck::sameTrade, names, out);
        return out;
    }

    private record Names(String expected, String actual) {
    }

    private static <T> void compare(String kind, List<T> expected, List<T> actual, Function<T, String> id,
                                    Equality<T> same, Names names, List<String> out) {
        Map<String, T> found = new LinkedHashMap<>();
        for (T row : actual) {
            if (found.put(id.apply(row), row) != null) {
                out.add(kind + " " + id.apply(row) + " is in " + names.actual() + " more than once");
            }
        }
        for (T want : expected) {
            T got = found.remove(id.apply(want));
            if (got == null) {
                out.add(kind + " " + id.apply(want) + " is missing from " + names.actual() + ": " + want);
            } else if (!same.test(want, got)) {
                out.add(kind + " " + id.apply(want) + " differs: " + names.actual() + " has " + got + ", "
                        + names.expected() + " has " + want);
            }
        }
        for (T extra : found.values()) {
            out.add(kind + " " + id.apply(extra) + " is in " + names.actual() + " but not in " + names.expected() + ": "
                    + extra);
        }
    }

    @FunctionalInterface
    private interface Equality<T> {
        boolean test(T expected, T actual);
    }

    private static boolean sameAccount(Account a, Account b) {
        return a.owner().equals(b.owner()) && sameAmount(a.cash(), b.cash());
    }

    private static boolean samePosition(Position a, Position b) {
        return a.quantity() == b.quantity() && sameAmount(a.cost(), b.cost());
    }

    private static boolean sameTrade(TradeRecord a, TradeRecord b) {
        return a.accountId().equals(b.accountId()) && a.symbol().equals(b.symbol()) && a.side() == b.side()
                && a.quantity() == b.quantity() && sameAmount(a.price(), b.price())
                && sameAmount(a.cashAfter(), b.cashAfter());
    }

    static boolean sameAmount(BigDecimal a, BigDecimal b) {
        return Objects.requireNonNull(a).compareTo(Objects.requireNonNull(b)) == 0;
    }
}
