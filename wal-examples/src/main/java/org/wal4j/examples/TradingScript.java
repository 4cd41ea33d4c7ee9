package org.wal4j.examples;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.wal4j.examples.TradingCall.ClosePosition;
import org.wal4j.examples.TradingCall.OpenAccount;
import org.wal4j.examples.TradingCall.OpenPosition;
import org.wal4j.examples.TradingDao.Position;

/**
 * The trader's decisions: first it opens the accounts, then each call opens a position in a
 * symbol the account does not hold, or sells one it holds, at prices that wander at random.
 * Decisions depend only on the seed and the {@link TradingModel} (never on the database), so the
 * same seed and the same number of calls always give the same calls: after a crash the demo
 * rebuilds its model by running the script again.
 *
 * <p>Not thread-safe.
 */
final class TradingScript {
    /** Cash each account opens with. */
    static final BigDecimal DEPOSIT = new BigDecimal("100000.00");
    private static final int MAX_QUANTITY = 40;
    private static final int SELL_PERCENT = 45;
    private static final List<String> OWNERS = List.of("Ada", "Barbara", "Claude", "Donald", "Edsger", "Frances",
            "Grace", "Hedy", "Ivan", "John", "Ken", "Leslie");

    private final Random random;
    private final int accountCount;
    private final Map<String, BigDecimal> prices = new LinkedHashMap<>();
    private int made;
    private int trades;

    TradingScript(long seed, int accountCount) {
        if (accountCount < 1 || accountCount > OWNERS.size()) {
            throw new IllegalArgumentException("accountCount must be between 1 and " + OWNERS.size() + " but was "
                    + accountCount);
        }
        this.random = new Random(seed);
        this.accountCount = accountCount;
        prices.put("AAPL", new BigDecimal("189.50"));
        prices.put("AMZN", new BigDecimal("178.20"));
        prices.put("MSFT", new BigDecimal("412.30"));
        prices.put("NVDA", new BigDecimal("121.80"));
        prices.put("TSLA", new BigDecimal("247.10"));
    }

    static String accountId(int index) {
        return String.format(Locale.ROOT, "acct-%02d", index + 1);
    }

    /** The next call, given what the model holds now. */
    TradingCall next(TradingModel model) {
        int index = made++;
        if (index < accountCount) {
            return new OpenAccount(accountId(index), OWNERS.get(index), DEPOSIT);
        }
        moveAPrice();
        String accountId = accountId(random.nextInt(accountCount));
        Map<String, Position> held = model.positions(accountId);
        boolean sell = !held.isEmpty() && (held.size() == prices.size() || random.nextInt(100) < SELL_PERCENT);
        if (!sell) {
            List<String> free = new ArrayList<>(prices.keySet());
            free.removeAll(held.keySet());
            String symbol = free.get(random.nextInt(free.size()));
            BigDecimal price = prices.get(symbol);
            int affordable = model.cash(accountId).divideToIntegralValue(price).intValue();
            int quantity = Math.min(1 + random.nextInt(MAX_QUANTITY), affordable);
            if (quantity >= 1) {
                return new OpenPosition(accountId, new Trade(nextTradeId(), symbol, quantity, price));
            }
            if (held.isEmpty()) {
                throw new IllegalStateException(accountId + " can neither buy nor sell: cash " + model.cash(accountId));
            }
        }
        List<String> owned = new ArrayList<>(held.keySet());
        String symbol = owned.get(random.nextInt(owned.size()));
        return new ClosePosition(accountId, new Trade(nextTradeId(), symbol, held.get(symbol).quantity(),
                prices.get(symbol)));
    }

    /** Moves one symbol's price by up to 1.5 % either way. */
    private void moveAPrice() {
        List<String> symbols = new ArrayList<>(prices.keySet());
        String symbol = symbols.get(random.nextInt(symbols.size()));
        double factor = 1 + (random.nextDouble() - 0.5) * 0.03;
        BigDecimal moved = prices.get(symbol).multiply(BigDecimal.valueOf(factor)).setScale(2, RoundingMode.HALF_EVEN);
        prices.put(symbol, moved.max(BigDecimal.ONE));
    }

    private String nextTradeId() {
        return String.format(Locale.ROOT, "T%06d", ++trades);
    }
}
