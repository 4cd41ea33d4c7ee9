package org.wal4j.examples;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.wal4j.WalEntry;
import org.wal4j.spi.ApplyResult.FailureKind;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.SyncTarget;
import org.wal4j.spi.TargetHealth;

/**
 * A remote service as a wal4j {@link SyncTarget}: a payment provider or an SMS gateway, simulated
 * in memory for the saga example. It shows what a target that is not a database must do:
 * <ul>
 *   <li>apply a batch in order and stop at the first failure, saying whether it may pass
 *       ({@link FailureKind#RETRYABLE}: a timeout, the service unreachable) or not
 *       ({@link FailureKind#PERMANENT}: a card declined);</li>
 *   <li>skip an entry whose idempotency key it has already seen, reporting it applied: wal4j
 *       delivers at least once, and real services take an idempotency key for this (payment APIs
 *       have an {@code Idempotency-Key} header);</li>
 *   <li>answer {@link #probe()}, so that an outage opens the circuit breaker without using up
 *       the entries' attempts.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class SimulatedService implements SyncTarget {

    /** What the service does with one request; throws to refuse it. */
    @FunctionalInterface
    interface Handler {
        void handle(WalEntry request) throws Refusal;
    }

    /** A refused request, and whether trying again may help. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final FailureKind kind;

        Refusal(FailureKind kind, String message) {
            super(message);
            this.kind = kind;
        }

        FailureKind kind() {
            return kind;
        }
    }

    private final String targetName;
    private final String description;
    private final Handler handler;
    private volatile boolean reachable = true;
    @GuardedBy("this")
    private final Set<String> seenKeys = new HashSet<>();
    @GuardedBy("this")
    private final List<WalEntry> handled = new ArrayList<>();

    SimulatedService(String targetName, String description, Handler handler) {
        this.targetName = targetName;
        this.description = description;
        this.handler = handler;
    }

    @Override
    public String name() {
        return targetName;
    }

    void setReachable(boolean reachable) {
        this.reachable = reachable;
    }

    @Override
    public synchronized ApplyResult apply(List<WalEntry> batch) {
        for (int i = 0; i < batch.size(); i++) {
            WalEntry request = batch.get(i);
            if (!reachable) {
                return ApplyResult.failed(batch.size(), i, true, FailureKind.RETRYABLE, description + " is unreachable", null);
            }
            if (seenKeys.contains(request.idempotencyKey())) {
                continue;
            }
            try {
                handler.handle(request);
            } catch (Refusal refusal) {
                return ApplyResult.failed(batch.size(), i, true, refusal.kind(), refusal.getMessage(), refusal);
            }
            seenKeys.add(request.idempotencyKey());
            handled.add(request);
        }
        return ApplyResult.applied(batch.size());
    }

    @Override
    public TargetHealth probe() {
        return reachable ? TargetHealth.up() : TargetHealth.down(description + " is unreachable");
    }

    /** The requests the service carried out, each once, in the order it did. */
    synchronized List<WalEntry> handled() {
        return List.copyOf(handled);
    }

    @Override
    public String toString() {
        return "SimulatedService{" + targetName + ", " + description + (reachable ? "" : ", unreachable") + '}';
    }
}
