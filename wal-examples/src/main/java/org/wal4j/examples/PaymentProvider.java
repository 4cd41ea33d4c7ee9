package org.wal4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.wal4j.WalEntry;
import org.wal4j.spi.ApplyResult.FailureKind;

/**
 * The saga example's payment provider: charges orders, except that it can be told to time out on
 * an order a number of times (a failure that passes) or to decline an order's card until the
 * customer updates it (a failure that does not pass by retrying). Plugged into a
 * {@link SimulatedService}, which makes it idempotent.
 *
 * <p>Thread-safe.
 */
final class PaymentProvider implements SimulatedService.Handler {
    /** The payload of a charge entry. */
    record Charge(String orderId, BigDecimal amount) {
    }

    private final ObjectMapper mapper;
    private final Map<String, Integer> timeoutsLeft = new ConcurrentHashMap<>();
    private final Set<String> expiredCards = ConcurrentHashMap.newKeySet();

    PaymentProvider(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The next {@code times} charges of the order time out. */
    void timeOut(String orderId, int times) {
        timeoutsLeft.put(orderId, times);
    }

    /** The order's card is declined until {@link #updateCard}. */
    void expireCard(String orderId) {
        expiredCards.add(orderId);
    }

    void updateCard(String orderId) {
        expiredCards.remove(orderId);
    }

    @Override
    public void handle(WalEntry request) throws SimulatedService.Refusal {
        Charge charge = request.payloadAs(mapper, Charge.class);
        if (timeoutsLeft.computeIfPresent(charge.orderId(), (order, left) -> left == 0 ? null : left - 1) != null) {
            throw new SimulatedService.Refusal(FailureKind.RETRYABLE, "the provider timed out");
        }
        if (expiredCards.contains(charge.orderId())) {
            throw new SimulatedService.Refusal(FailureKind.PERMANENT, "card declined: expired");
        }
    }
}
