package org.wal4j.examples;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.wal4j.examples.TradingCall.ClosePosition;
import org.wal4j.examples.TradingCall.OpenAccount;
import org.wal4j.examples.TradingCall.OpenPosition;
import org.wal4j.jdbc.EntryNotAppliedException;
import org.wal4j.jdbc.NotYetAppliedException;

/**
 * Makes the script's calls on the wrapped DAO, one at a time, and records each in the model once
 * wal4j acknowledged it. A sale's answer (the realized profit, as the database computed it) is
 * compared with the model's; while the database is down a sale answers
 * {@link NotYetAppliedException} instead, which is not an error: the sale is in the log and will
 * be applied.
 *
 * <p>Not thread-safe: one thread trades.
 */
final class Trader {
    private final TradingDao trading;
    private final TradingScript script;
    private final TradingModel model;
    private final List<String> wrongAnswers = new ArrayList<>();
    private long buys;
    private long sales;
    private long answeredSales;
    private long deferredSales;

    Trader(TradingDao trading, TradingScript script, TradingModel model) {
        this.trading = trading;
        this.script = script;
        this.model = model;
    }

    /**
     * Makes the next call. Returns once wal4j acknowledged it (it is durable in the log), and for a
     * sale once the database answered or wal4j said it cannot answer yet.
     */
    void next() throws SQLException, TradeRejectedException {
        TradingCall call = script.next(model);
        if (call instanceof OpenAccount open) {
            trading.openAccount(open.accountId(), open.owner(), open.deposit());
            model.apply(call);
        } else if (call instanceof OpenPosition buy) {
            trading.openPosition(buy.accountId(), buy.trade());
            model.apply(call);
            buys++;
        } else {
            sell((ClosePosition) call);
        }
    }

    private void sell(ClosePosition sale) {
        BigDecimal answer = null;
        String refusal = null;
        try {
            answer = trading.closePosition(sale.accountId(), sale.trade());
        } catch (NotYetAppliedException e) {
            deferredSales++;
        } catch (SQLException | TradeRejectedException | EntryNotAppliedException e) {
            refusal = e.toString();
        }
        BigDecimal expected = model.apply(sale);
        sales++;
        if (refusal != null) {
            wrongAnswers.add("sale " + sale.trade().tradeId() + " was not applied: " + refusal);
        } else if (answer != null) {
            answeredSales++;
            if (!LedgerCheck.sameAmount(answer, expected)) {
                wrongAnswers.add("sale " + sale.trade().tradeId() + " answered a profit of " + answer
                        + ", the model expects " + expected);
            }
        }
    }

    /** Calls made and acknowledged, account openings included. */
    long calls() {
        return model.calls();
    }

    long buys() {
        return buys;
    }

    long sales() {
        return sales;
    }

    /** Sales that returned the database's answer. */
    long answeredSales() {
        return answeredSales;
    }

    /** Sales that answered {@link NotYetAppliedException}: durable, applied later. */
    long deferredSales() {
        return deferredSales;
    }

    /** Sales whose answer differed from the model's, or that were not applied (refused, expired). */
    List<String> wrongAnswers() {
        return List.copyOf(wrongAnswers);
    }
}
