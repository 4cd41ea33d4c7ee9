package org.wal4j.internal;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.UserContext;
import org.wal4j.WalAdmin;
import org.wal4j.spi.CompactionResult;

/**
 * The {@link WalAdmin} of one user: goes straight to the parts that do the work (the dead-letter
 * queue, the replay runner, maintenance), with no forwarding layer in between. Changes need a
 * running Wal, checked through {@code requireRunning}; reads do not.
 *
 * <p>Immutable; thread-safe as its parts are.
 */
final class Administration implements WalAdmin {
    private final UserContext user;
    private final Consumer<String> requireRunning;
    private final DeadLetterQueue deadLetters;
    private final ReplayRunner replays;
    private final Maintenance maintenance;

    Administration(UserContext user, Consumer<String> requireRunning, DeadLetterQueue deadLetters,
                   ReplayRunner replays, Maintenance maintenance) {
        this.user = Objects.requireNonNull(user, "user must not be null");
        this.requireRunning = requireRunning;
        this.deadLetters = deadLetters;
        this.replays = replays;
        this.maintenance = maintenance;
    }

    @Override
    public UserContext user() {
        return user;
    }

    @Override
    public Stream<DeadLetter> deadLetters(DeadLetterFilter filter) {
        return deadLetters.list(Objects.requireNonNull(filter, "filter must not be null"), user);
    }

    @Override
    public boolean requeue(long seq, String target) {
        requireRunning.accept("requeue");
        return deadLetters.requeue(seq, target, user);
    }

    @Override
    public int requeue(DeadLetterFilter filter) {
        Objects.requireNonNull(filter, "filter must not be null");
        requireRunning.accept("requeue");
        return deadLetters.requeue(filter, user);
    }

    @Override
    public boolean discard(long seq, String target) {
        requireRunning.accept("discard");
        return deadLetters.discard(seq, target, user);
    }

    @Override
    public int discard(DeadLetterFilter filter) {
        Objects.requireNonNull(filter, "filter must not be null");
        requireRunning.accept("discard");
        return deadLetters.discard(filter, user);
    }

    @Override
    public Stream<ReplayRecord> replay(ReplayQuery query) {
        return replays.replay(Objects.requireNonNull(query, "query must not be null"), user);
    }

    @Override
    public int reapply(ReplayQuery query, String target) {
        Objects.requireNonNull(query, "query must not be null");
        requireRunning.accept("reapply");
        return replays.reapply(query, target, user);
    }

    @Override
    public CompactionResult compact() {
        requireRunning.accept("compact");
        return maintenance.compact();
    }

    @Override
    public String toString() {
        return "WalAdmin{user=" + user + '}';
    }
}
