package org.wal4j.storage.file;

import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    final Kind kind;
    final long startNanos;
    /** APPEND: the entries (for their targets) and their serialized bodies. */
    final List<WalEntry> entries;
    final byte[][] bodies;
    /** STATUS, CHECKPOINT: whole framed lines. */
    final byte[][] lines;
    /** CHECKPOINT. */
    final String target;
    final long seq;
    final CompletableFuture<AppendResult> appended;
    final CompletableFuture<Void> done;

    long firstSeq;
    long[] offsets;

    private WriteRequest(Kind kind, List<WalEntry> entries, byte[][] bodies, byte[][] lines, String target, long seq) {
        this.kind = kind;
        this.startNanos = System.nanoTime();
        this.entries = entries;
        this.bodies = bodies;
        this.lines = lines;
        this.target = target;
        this.seq = seq;
        this.appended = kind == Kind.APPEND ? new CompletableFuture<>() : null;
        this.done = kind == Kind.APPEND ? null : new CompletableFuture<>();
    }

    static WriteRequest append(List<WalEntry> entries, byte[][] bodies) {
        return new WriteRequest(Kind.APPEND, entries, bodies, null, null, 0);
    }

    static WriteRequest status(byte[][] lines) {
        return new WriteRequest(Kind.STATUS, null, null, lines, null, 0);
    }

    static WriteRequest checkpoint(String target, long seq, byte[] line) {
        return new WriteRequest(Kind.CHECKPOINT, null, null, new byte[][] {line}, target, seq);
    }

    static WriteRequest sync() {
        return new WriteRequest(Kind.SYNC, null, null, null, null, 0);
    }

    static WriteRequest rotate() {
        return new WriteRequest(Kind.ROTATE, null, null, null, null, 0);
    }

    static WriteRequest close() {
        return new WriteRequest(Kind.CLOSE, null, null, null, null, 0);
    }

    int entryCount() {
        return bodies == null ? 0 : bodies.length;
    }

    void fail(Throwable failure) {
        if (appended != null) {
            appended.completeExceptionally(failure);
        } else {
            done.completeExceptionally(failure);
        }
    }

    boolean isDone() {
        return appended != null ? appended.isDone() : done.isDone();
    }
}
