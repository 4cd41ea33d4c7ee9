package org.wal4j.spi;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;

/**
 * The in-memory index of entries that still need something: pending or retrying for some target,
 * or dead-lettered. It holds no payloads: per tracked entry a sequence number, an opaque
 * <em>locator</em> (where the storage finds the entry, such as a segment and offset), and three
 * 32-bit target masks, in parallel primitive arrays sorted by sequence number, about 28 bytes
 * per entry. Details that only some entries have (attempts, last failure, dead-letter reason)
 * sit in a side map keyed by (seq, target).
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code seqs[0..size)} is strictly increasing.</li>
 *   <li>For a tracked entry, {@code pending ⊆ named}, {@code dead ⊆ named},
 *       {@code pending ∩ dead = ∅}; a slot with {@code pending | dead == 0} is a hole, skipped and
 *       squeezed out once holes are half the array.</li>
 *   <li>An entry that is not tracked is, for every target it names, APPLIED unless
 *       {@link #untrackedStatus} holds EXPIRED, DISCARDED or REJECTED for it.</li>
 * </ul>
 *
 * <h2>How a storage uses it</h2>
 * <ol>
 *   <li>On open, and on every append: {@link #add} each entry, in sequence order, with a locator
 *       of the storage's choosing (the in-memory storage uses the seq, the file log a segment and
 *       offset).</li>
 *   <li>For every status record, on open in log order and on every
 *       {@link WalStorage#appendStatus}: {@link #apply} it; when that returns false and the record
 *       makes the entry unfinished or dead again (PENDING, RETRYING, DEAD), {@link #retrack} the
 *       entry. A record for an entry the storage no longer holds is ignored.</li>
 *   <li>{@link WalStorage#unfinished}, {@link WalStorage#deadLetters} and
 *       {@link WalStorage#status} are answered from {@link #unfinished}, {@link #deadLetters},
 *       {@link #trackedStatus} and {@link #untrackedStatus}, the payloads read by locator.</li>
 *   <li>Compaction drops only entries that are not {@link #isTracked tracked}, then
 *       {@link #forget}s them; an entry moved by compaction is {@link #relocate}d.</li>
 * </ol>
 * {@code org.wal4j.testing.InMemoryWalStorage} is a complete example in 300 lines.
 *
 * <p>Thread-safe: every method is {@code synchronized} on this index.
 */
public final class StatusIndex {
    /** Most distinct targets one log can name. */
    public static final int MAX_TARGETS = 32;

    /** One (entry, target) state as the index knows it. */
    public record State(long seq, long locator, String target, EntryStatus status, int attempts,
                        @Nullable Instant lastChangeAt, @Nullable String reason) {
    }

    private record Detail(EntryStatus status, int attempts, Instant at, @Nullable String reason) {
    }

    private final List<String> targetNames = new ArrayList<>();
    private final Map<String, Integer> targetIds = new HashMap<>();

    @GuardedBy("this")
    private long[] seqs = new long[1024];
    @GuardedBy("this")
    private long[] locators = new long[1024];
    @GuardedBy("this")
    private int[] named = new int[1024];
    @GuardedBy("this")
    private int[] pending = new int[1024];
    @GuardedBy("this")
    private int[] dead = new int[1024];
    @GuardedBy("this")
    private int size;
    @GuardedBy("this")
    private int holes;
    @GuardedBy("this")
    private final long[] pendingByTarget = new long[MAX_TARGETS];
    @GuardedBy("this")
    private final long[] deadByTarget = new long[MAX_TARGETS];
    @GuardedBy("this")
    private long unfinished;
    /** Non-default states of tracked entries: RETRYING, DEAD, requeued PENDING. Key: seq * 32 + target. */
    private final NavigableMap<Long, Detail> details = new TreeMap<>();
    /** EXPIRED, DISCARDED and REJECTED states of entries no longer tracked. Key as above. */
    private final Map<Long, EntryStatus> untrackedStatus = new HashMap<>();

    /** Starts tracking a new entry, PENDING for each of {@code targets}; {@code seq} above every seq tracked so far. */
    public synchronized void add(long seq, long locator, List<String> targets) {
        if (size > 0 && seqs[size - 1] >= seq) {
            throw new IllegalStateException("seq " + seq + " added after " + seqs[size - 1]);
        }
        int mask = 0;
        for (String target : targets) {
            mask |= 1 << targetId(target);
        }
        if (mask == 0) {
            throw new IllegalArgumentException("entry " + seq + " names no target");
        }
        ensureCapacity(size + 1);
        seqs[size] = seq;
        locators[size] = locator;
        named[size] = mask;
        pending[size] = mask;
        dead[size] = 0;
        size++;
        unfinished++;
        // a loop, not a lambda: the checker cannot see that a lambda runs while the lock is held
        for (int bits = mask; bits != 0; bits &= bits - 1) {
            pendingByTarget[Integer.numberOfTrailingZeros(bits)]++;
        }
    }

    /**
     * Applies a status change to a tracked entry.
     *
     * @return false, changing nothing tracked, if the entry is not tracked: the caller then either
     *         {@link #retrack}s it (a requeue or a retry of a finished entry) or leaves it be. EXPIRED,
     *         DISCARDED and REJECTED are still remembered so that {@link #untrackedStatus} answers.
     * @throws IllegalArgumentException if the entry is tracked and does not name the target
     */
    public synchronized boolean apply(StatusRecord record) {
        int t = targetId(record.target());
        int slot = slot(record.seq());
        if (slot < 0) {
            long key = key(record.seq(), t);
            if (record.status().isTerminal() && record.status() != EntryStatus.APPLIED
                    && record.status() != EntryStatus.DEAD) {
                untrackedStatus.put(key, record.status());
            } else if (record.status() == EntryStatus.APPLIED) {
                untrackedStatus.remove(key);
            }
            return false;
        }
        if ((named[slot] & (1 << t)) == 0) {
            throw new IllegalArgumentException("entry " + record.seq() + " does not name target '"
                    + record.target() + "'");
        }
        applyAt(slot, t, record);
        return true;
    }

    /**
     * Tracks an entry that is not tracked (every target finished) again, because {@code record}
     * makes it unfinished or dead for its target: an operator requeued an EXPIRED or DISCARDED
     * entry, or the engine retries a finished one. The caller has checked that the entry names
     * {@code record.target()}.
     */
    public synchronized void retrack(long seq, long locator, List<String> targets, StatusRecord record) {
        if (apply(record)) {
            return;
        }
        int mask = 0;
        for (String target : targets) {
            mask |= 1 << targetId(target);
        }
        int t = targetId(record.target());
        if ((mask & (1 << t)) == 0) {
            throw new IllegalArgumentException("entry " + seq + " does not name target '" + record.target() + "'");
        }
        int at = insertionPoint(seq);
        if (at >= size || seqs[at] != seq) { // else the entry's old hole is reused
            holes++;
            ensureCapacity(size + 1);
            System.arraycopy(seqs, at, seqs, at + 1, size - at);
            System.arraycopy(locators, at, locators, at + 1, size - at);
            System.arraycopy(named, at, named, at + 1, size - at);
            System.arraycopy(pending, at, pending, at + 1, size - at);
            System.arraycopy(dead, at, dead, at + 1, size - at);
            size++;
        }
        seqs[at] = seq;
        locators[at] = locator;
        named[at] = mask;
        pending[at] = 0;
        dead[at] = 0;
        applyAt(at, t, record);
    }

    @GuardedBy("this")
    private void applyAt(int slot, int t, StatusRecord record) {
        long key = key(record.seq(), t);
        boolean wasUnfinished = (pending[slot] | dead[slot]) != 0;
        setPending(slot, t, !record.status().isTerminal());
        setDead(slot, t, record.status() == EntryStatus.DEAD);
        switch (record.status()) {
            case PENDING:
            case RETRYING:
            case DEAD:
                details.put(key, new Detail(record.status(), record.attempts(), record.at(), record.reason()));
                untrackedStatus.remove(key);
                break;
            case APPLIED:
                details.remove(key);
                untrackedStatus.remove(key);
                break;
            default: // EXPIRED, DISCARDED, REJECTED: finished, but not applied
                details.remove(key);
                untrackedStatus.put(key, record.status());
                break;
        }
        boolean isUnfinished = (pending[slot] | dead[slot]) != 0;
        if (wasUnfinished && !isUnfinished) {
            unfinished--;
            holes++;
            if (holes > 64 && holes > size / 2) {
                squeeze();
            }
        } else if (!wasUnfinished && isUnfinished) {
            unfinished++;
            holes--;
        }
    }

    public synchronized boolean isTracked(long seq) {
        return slot(seq) >= 0;
    }

    /** The locator of a tracked entry, or -1. */
    public synchronized long locator(long seq) {
        int slot = slot(seq);
        return slot < 0 ? -1 : locators[slot];
    }

    /** Moves a tracked entry (after compaction rewrote its segment). */
    public synchronized void relocate(long seq, long locator) {
        int slot = slot(seq);
        if (slot >= 0) {
            locators[slot] = locator;
        }
    }

    /** The status of a tracked entry for {@code target}; empty if untracked or not named. */
    public synchronized Optional<EntryStatus> trackedStatus(long seq, String target) {
        int slot = slot(seq);
        Integer t = targetIds.get(target);
        if (slot < 0 || t == null || (named[slot] & (1 << t)) == 0) {
            return Optional.empty();
        }
        return Optional.of(statusOf(slot, t));
    }

    /** For an untracked entry that names {@code target}: APPLIED, EXPIRED, DISCARDED or REJECTED. */
    public synchronized EntryStatus untrackedStatus(long seq, String target) {
        Integer t = targetIds.get(target);
        EntryStatus status = t == null ? null : untrackedStatus.get(key(seq, t));
        return status == null ? EntryStatus.APPLIED : status;
    }

    /**
     * How many entries still held, and no longer tracked, are in {@code status} (EXPIRED,
     * DISCARDED or REJECTED) for {@code target}; 0 for another status or an unknown target. It
     * walks every remembered state: for reports, not for a hot path.
     */
    public synchronized long untrackedCount(String target, EntryStatus status) {
        Integer t = targetIds.get(target);
        if (t == null) {
            return 0;
        }
        long count = 0;
        for (Map.Entry<Long, EntryStatus> e : untrackedStatus.entrySet()) {
            if (e.getValue() == status && e.getKey() % MAX_TARGETS == t) {
                count++;
            }
        }
        return count;
    }

    /** Forgets what is kept about an entry compaction dropped. */
    public synchronized void forget(long seq) {
        for (int t = 0; t < targetNames.size(); t++) {
            untrackedStatus.remove(key(seq, t));
        }
    }

    /** PENDING or RETRYING states for {@code target}, {@code seq > afterSeq}, in order, at most {@code limit}. */
    public synchronized List<State> unfinished(String target, long afterSeq, int limit) {
        return collect(target, afterSeq, limit, true);
    }

    /** DEAD states for {@code target} (every target when null), {@code seq > afterSeq}, in order, at most {@code limit}. */
    public synchronized List<State> deadLetters(@Nullable String target, long afterSeq, int limit) {
        return collect(target, afterSeq, limit, false);
    }

    @GuardedBy("this")
    private List<State> collect(@Nullable String target, long afterSeq, int limit, boolean wantPending) {
        List<State> out = new ArrayList<>(Math.min(limit, 1024));
        int onlyTarget = -1;
        if (target != null) {
            Integer t = targetIds.get(target);
            if (t == null) {
                return out;
            }
            onlyTarget = t;
        }
        for (int slot = insertionPoint(afterSeq + 1); slot < size && out.size() < limit; slot++) {
            int mask = wantPending ? pending[slot] : dead[slot];
            if (onlyTarget >= 0) {
                mask &= 1 << onlyTarget;
            }
            while (mask != 0 && out.size() < limit) {
                int t = Integer.numberOfTrailingZeros(mask);
                mask &= mask - 1;
                out.add(state(slot, t));
            }
        }
        return out;
    }

    /** Entries tracked (unfinished or dead for some target). */
    public synchronized long unfinishedCount() {
        return unfinished;
    }

    /** Per target ever seen, the entries PENDING or RETRYING for it. */
    public synchronized Map<String, Long> pendingByTarget() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int t = 0; t < targetNames.size(); t++) {
            out.put(targetNames.get(t), pendingByTarget[t]);
        }
        return out;
    }

    /** Dead (entry, target) pairs. */
    public synchronized long deadLetterCount() {
        long total = 0;
        for (long count : deadByTarget) {
            total += count;
        }
        return total;
    }

    /** Targets seen so far, in the order first seen. */
    public synchronized List<String> targets() {
        return List.copyOf(targetNames);
    }

    @GuardedBy("this")
    private State state(int slot, int t) {
        Detail detail = details.get(key(seqs[slot], t));
        EntryStatus status = statusOf(slot, t);
        return new State(seqs[slot], locators[slot], targetNames.get(t), status,
                detail == null ? 0 : detail.attempts(), detail == null ? null : detail.at(),
                detail == null ? null : detail.reason());
    }

    @GuardedBy("this")
    private EntryStatus statusOf(int slot, int t) {
        int bit = 1 << t;
        if ((pending[slot] & bit) != 0) {
            Detail detail = details.get(key(seqs[slot], t));
            return detail == null ? EntryStatus.PENDING : detail.status();
        }
        if ((dead[slot] & bit) != 0) {
            return EntryStatus.DEAD;
        }
        EntryStatus status = untrackedStatus.get(key(seqs[slot], t));
        return status == null ? EntryStatus.APPLIED : status;
    }

    @GuardedBy("this")
    private void setPending(int slot, int t, boolean on) {
        int bit = 1 << t;
        boolean was = (pending[slot] & bit) != 0;
        if (was != on) {
            pending[slot] ^= bit;
            pendingByTarget[t] += on ? 1 : -1;
        }
    }

    @GuardedBy("this")
    private void setDead(int slot, int t, boolean on) {
        int bit = 1 << t;
        boolean was = (dead[slot] & bit) != 0;
        if (was != on) {
            dead[slot] ^= bit;
            deadByTarget[t] += on ? 1 : -1;
        }
        if (!on && was) {
            details.remove(key(seqs[slot], t));
        }
    }

    private int targetId(String target) {
        Integer id = targetIds.get(target);
        if (id != null) {
            return id;
        }
        if (targetNames.size() == MAX_TARGETS) {
            throw new IllegalArgumentException("a log can name at most " + MAX_TARGETS + " targets; '" + target
                    + "' would be target " + (MAX_TARGETS + 1) + " after " + targetNames);
        }
        targetNames.add(target);
        targetIds.put(target, targetNames.size() - 1);
        return targetNames.size() - 1;
    }

    private static long key(long seq, int target) {
        return seq * MAX_TARGETS + target;
    }

    /** The slot of a tracked, unfinished entry, or -1. */
    @GuardedBy("this")
    private int slot(long seq) {
        int i = Arrays.binarySearch(seqs, 0, size, seq);
        return i >= 0 && (pending[i] | dead[i]) != 0 ? i : -1;
    }

    @GuardedBy("this")
    private int insertionPoint(long seq) {
        int i = Arrays.binarySearch(seqs, 0, size, seq);
        return i >= 0 ? i : -i - 1;
    }

    @GuardedBy("this")
    private void ensureCapacity(int capacity) {
        if (capacity > seqs.length) {
            int grown = Math.max(capacity, seqs.length + (seqs.length >> 1));
            seqs = Arrays.copyOf(seqs, grown);
            locators = Arrays.copyOf(locators, grown);
            named = Arrays.copyOf(named, grown);
            pending = Arrays.copyOf(pending, grown);
            dead = Arrays.copyOf(dead, grown);
        }
    }

    /** Removes holes, keeping order. */
    @GuardedBy("this")
    private void squeeze() {
        int to = 0;
        for (int from = 0; from < size; from++) {
            if ((pending[from] | dead[from]) != 0) {
                seqs[to] = seqs[from];
                locators[to] = locators[from];
                named[to] = named[from];
                pending[to] = pending[from];
                dead[to] = dead[from];
                to++;
            }
        }
        size = to;
        holes = 0;
    }
}
