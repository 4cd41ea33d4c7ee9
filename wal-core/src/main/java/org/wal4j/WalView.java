package org.wal4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.wal4j.internal.WalEngine;
import org.wal4j.spi.WalStorage;

/**
 * A {@link Wal} seen as one user, from {@link Wal#as(UserContext)}: the same writes and
 * administration, each checked by the {@link AccessPolicy} and audited with that user, instead of
 * a twin of every method with a {@link UserContext} parameter. Cheap to create; create one per
 * request or keep one per user.
 *
 * <pre>{@code
 * WalView alice = wal.as(UserContext.of("alice", "tenant-a", Set.of(...)));
 * alice.write(WalEntry.builder("accounts", "debit").key("acct-42").payload(mapper, debit));
 * alice.admin().requeue(seq, "primary");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class WalView {
    private final WalEngine engine;
    private final UserContext user;

    WalView(WalEngine engine, UserContext user) {
        this.engine = engine;
        this.user = user;
    }

    /** {@return the user this view acts as} */
    public UserContext user() {
        return user;
    }

    /**
     * Writes one entry and returns once it is durable (and, with
     * {@link WalConfig#immediateApplyWait()}, once its targets applied it or the wait ended).
     * Defaults filled in here: creation time from the Wal's clock, the namespace's lifecycle, every
     * target, and the user's tenant and id.
     *
     * @throws WalAccessDeniedException if the policy or tenant isolation refuses; nothing is written
     * @throws WalFullException         if backpressure found no room within {@link WalConfig#writeTimeout()}
     * @throws EntryTooLargeException   if the payload is over the storage's limit; nothing is written
     * @throws IllegalArgumentException for an unknown target or an invalid entry; nothing is written
     * @throws IllegalStateException    if the Wal is not running
     * @throws WalUnavailableException  if the storage failed (the Wal then refuses all writes)
     */
    public WriteResult write(WalEntry.Builder entry) {
        return writeBatch(List.of(Objects.requireNonNull(entry, "entry must not be null"))).get(0);
    }

    /**
     * Writes one entry without waiting for the disk. Every refusal that happens before the append
     * (access, validation, backpressure, which may block up to the write timeout) is thrown from
     * this call, exactly as {@link #write}; the future fails only with
     * {@link WalUnavailableException} when the storage fails. It completes on a wal4j callback
     * thread, never on the storage's writer.
     */
    public CompletableFuture<WriteResult> writeAsync(WalEntry.Builder entry) {
        return writeBatchAsync(List.of(Objects.requireNonNull(entry, "entry must not be null"))).thenApply(l -> l.get(0));
    }

    /**
     * Writes several entries in one append (one group commit), all or nothing before the append:
     * if any entry is refused, none is written. Results are in the order of {@code entries}.
     */
    public List<WriteResult> writeBatch(List<WalEntry.Builder> entries) {
        return WalStorage.await(engine.write(prepare(entries), user, true));
    }

    /** {@link #writeBatch} without waiting for the disk; see {@link #writeAsync}. */
    public CompletableFuture<List<WriteResult>> writeBatchAsync(List<WalEntry.Builder> entries) {
        return engine.write(prepare(entries), user, false);
    }

    /** The administrative operations, checked and audited as this view's user. */
    public WalAdmin admin() {
        return engine.admin(user);
    }

    private List<WalEntry> prepare(List<WalEntry.Builder> builders) {
        Objects.requireNonNull(builders, "entries must not be null");
        if (builders.isEmpty()) {
            throw new IllegalArgumentException("entries to write must not be empty");
        }
        List<WalEntry> out = new ArrayList<>(builders.size());
        for (WalEntry.Builder b : builders) {
            out.add(prepare(Objects.requireNonNull(b, "entry must not be null")));
        }
        return out;
    }

    /** The entry with the Wal's defaults where the writer set nothing; the caller's builder is not changed. */
    private WalEntry prepare(WalEntry.Builder b) {
        boolean hasCreatedAt = b.hasCreatedAt();
        boolean hasLifecycle = b.hasLifecycle();
        String tenantId = b.tenantId();
        String userId = b.userId();
        WalEntry draft = b.build();
        WalEntry.Builder copy = draft.toBuilder();
        if (!hasCreatedAt) {
            copy.createdAt(engine.now());
        }
        if (!hasLifecycle) {
            copy.lifecycle(engine.config().lifecycleFor(draft.namespace()));
        }
        if (draft.targets().isEmpty()) {
            copy.targets(engine.targetNames());
        }
        if (tenantId == null && user.tenantId() != null) {
            copy.tenantId(user.tenantId());
        }
        if (userId == null && !user.isSystem()) {
            copy.userId(user.userId());
        }
        return copy.build();
    }

    @Override
    public String toString() {
        return "WalView{user=" + user + '}';
    }
}
