package org.wal4j.storage.file;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendResult;

/**
 * One call's work for the writer thread. Everything costly (validation, serialization, framing of
 * status and checkpoint lines) is done by the calling thread before the request is queued; the
 * writer only assigns seqs, frames entries, copies, writes and forces.
 *
 * <p>Fields set by the caller are final and published by the queue; {@link #firstSeq} and
 * {@link #offsets} are written by the writer thread only, before the future completes.
 */
final class WriteRequest {
    /**
     * What a request asks of the writer. The writer dispatches on it with {@code switch}
     * expressions and no {@code default}, so the compiler refuses a new kind until every place
     * that handles requests says what it does with it (once, a {@code default} meant close).
     */
    enum Kind {
        /** Entries to frame under new seqs; completes {@link #appended}. */
        APPEND,
        /** Status lines to write, never forced by themselves. */
        STATUS,
        /** A checkpoint line, written if it advances the target's checkpoint, then forced. */
        CHECKPOINT,
        /** A force of everything written. */
        SYNC,
        /** A rotation, if the active segment holds a record. */
        ROTATE,
        /** The last request: everything before it is written and forced, everything after it fails as closed. */
        CLOSE
    }

    private static final byte[][] EMPTY = {};
    private static final long[] NO_OFFSETS = {};

    final Kind kind;
    final long startNanos;
    /** APPEND: the entries (for their targets) and their serialized bodies; empty for the other kinds. */
    final List<WalEntry> entries;
    final byte[][] bodies;
    /** STATUS, CHECKPOINT: whole framed lines; empty for the other kinds. */
    final byte[][] lines;
    /** CHECKPOINT: the target; null for the other kinds. */
    final @Nullable String target;
    final long seq;
    /** APPEND's future; null for the other kinds, which complete {@link #done}. */
    private final @Nullable CompletableFuture<AppendResult> appended;
    /** The future of every kind but APPEND; null for APPEND. */
    private final @Nullable CompletableFuture<Void> done;
    /** Whichever of the two this request has. */
    private final CompletableFuture<?> completion;

    long firstSeq;
    /** APPEND: each entry's offset, set by the writer once framed; empty until then. */
    long[] offsets = NO_OFFSETS;

    private WriteRequest(Kind kind, List<WalEntry> entries, byte[][] bodies, byte[][] lines, @Nullable String target,
                         long seq) {
        this.kind = kind;
        this.startNanos = System.nanoTime();
        this.entries = entries;
        this.bodies = bodies;
        this.lines = lines;
        this.target = target;
        this.seq = seq;
        if (kind == Kind.APPEND) {
            CompletableFuture<AppendResult> future = new CompletableFuture<>();
            this.appended = future;
            this.done = null;
            this.completion = future;
        } else {
            CompletableFuture<Void> future = new CompletableFuture<>();
            this.appended = null;
            this.done = future;
            this.completion = future;
        }
    }

    static WriteRequest append(List<WalEntry> entries, byte[][] bodies) {
        return new WriteRequest(Kind.APPEND, entries, bodies, EMPTY, null, 0);
    }

    static WriteRequest status(byte[][] lines) {
        return new WriteRequest(Kind.STATUS, List.of(), EMPTY, lines, null, 0);
    }

    static WriteRequest checkpoint(String target, long seq, byte[] line) {
        return new WriteRequest(Kind.CHECKPOINT, List.of(), EMPTY, new byte[][] {line}, target, seq);
    }

    static WriteRequest sync() {
        return new WriteRequest(Kind.SYNC, List.of(), EMPTY, EMPTY, null, 0);
    }

    static WriteRequest rotate() {
        return new WriteRequest(Kind.ROTATE, List.of(), EMPTY, EMPTY, null, 0);
    }

    static WriteRequest close() {
        return new WriteRequest(Kind.CLOSE, List.of(), EMPTY, EMPTY, null, 0);
    }

    /** APPEND: completed with the seqs assigned once the entries are written (and forced, per policy). */
    CompletableFuture<AppendResult> appended() {
        return Objects.requireNonNull(appended, () -> "a " + kind + " request has no append result");
    }

    /** Every kind but APPEND: completed once the request is written (and forced, per kind). */
    CompletableFuture<Void> done() {
        return Objects.requireNonNull(done, () -> "an APPEND request completes appended(), not done()");
    }

    int entryCount() {
        return bodies.length;
    }

    void fail(Throwable failure) {
        completion.completeExceptionally(failure);
    }

    boolean isDone() {
        return completion.isDone();
    }
}
