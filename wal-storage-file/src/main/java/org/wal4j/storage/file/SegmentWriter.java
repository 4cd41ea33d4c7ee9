package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The byte-level output of the log: frames lines into one buffer, writes it at the end of the
 * active segment, forces, and rotates to a new segment when the active one is full or too old.
 * It knows nothing of requests, callers or sync policies; {@link LogWriter} decides what to write
 * and when to force, as Ratis' worker does over its {@code SegmentedRaftLogOutputStream}.
 *
 * <pre>
 * active segment:  header | line | line | ... | (buffer, not yet written) ...
 *                  ^dataStart            ^forcedPos  ^writePos
 * </pre>
 *
 * <p>Commit rule (the line format is on {@link LineCodec}): a line is in the log once written;
 * it is durable once a {@link #force} covered it, which the {@code durableUpTo} listener learns
 * (the highest seq framed so far). Rotation forces the old segment (cut to its real length first
 * if preallocated), creates the next one crash-safely ({@link ActiveSegment#create}), lists it in
 * the MANIFEST, and only then lets a line go into it: a crash before the MANIFEST write leaves an
 * unlisted header-only segment, which open deletes, never a listed one missing.
 *
 * <p>Invariants: seqs are framed gap free from the {@code lastSeq + 1} given at construction; a
 * segment holding only its header never rotates, so a line larger than a segment still gets a
 * segment of its own; closed segments hold no preallocated zeros.
 *
 * <p>Failure: every I/O error is thrown to the caller, which must poison the log; before each I/O
 * call the writer records what it is doing, so {@link #failureContext()} names the step, the file
 * and the offset. Nothing here retries a failed force ("fsyncgate").
 *
 * <p>Not thread-safe: only the thread holding {@link LogWriter}'s writer role calls it, except
 * {@link #fsyncs()}, which any thread may read.
 */
@SuppressWarnings("NonAtomicVolatileUpdate") // fsyncs: only the thread holding the writer role updates it; others read
final class SegmentWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentWriter.class);
    static final int BUFFER_BYTES = 1 << 20;

    private final FileStorageConfig config;
    private final WalFileSystem fs;
    private final Path dir;
    private final Clock clock;
    private final SegmentSet segments;
    /** The list of segments the log must have: rewritten on each rotation. */
    private final Manifest manifest;
    private final LongConsumer durableUpTo;
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[64];

    private ActiveSegment active;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private long nextSeq;
    /** Seq of the last entry framed into the active segment, or {@code firstSeq - 1}. */
    private long lastFramedInActive;
    private long lastForceNanos = System.nanoTime();
    /** Sampled by {@link #startBatch()}: the next line that finds the segment holding records rotates it. */
    private boolean rotateForAge;
    private volatile long fsyncs;
    /** What the writer was doing, for the poison message; set before each I/O call, read only on failure. */
    private String step = "writing";
    /** The file of {@link #step} if not the active segment's; null for the active segment. */
    private @Nullable Path stepPath;
    private long stepOffset = -1;

    /**
     * @param active      the segment recovery left open for writing
     * @param lastSeq     the last seq in the log; the next entry gets {@code lastSeq + 1}
     * @param durableUpTo told the highest seq framed so far whenever a force (or a check that
     *                    nothing needs one) makes it durable
     */
    SegmentWriter(FileStorageConfig config, SegmentSet segments, Manifest manifest, ActiveSegment active,
                  long lastSeq, LongConsumer durableUpTo) {
        this.config = config;
        this.fs = config.fileSystem();
        this.dir = config.dir();
        this.clock = config.clock();
        this.segments = segments;
        this.manifest = manifest;
        this.durableUpTo = durableUpTo;
        this.active = active;
        this.nextSeq = lastSeq + 1;
        this.lastFramedInActive = lastSeq >= active.file.firstSeq ? lastSeq : active.file.firstSeq - 1;
    }

    /** The seq the next framed entry gets. */
    long nextSeq() {
        return nextSeq;
    }

    /** Forces done so far; any thread. */
    long fsyncs() {
        return fsyncs;
    }

    /** Samples the active segment's age once per batch: if expired, the batch's first line rotates. */
    void startBatch() {
        rotateForAge = ageExpired();
    }

    /**
     * Frames the entry {@link #nextSeq()} with {@code body} into the buffer, rotating or flushing
     * first if needed, and indexes it in the active segment's sparse index.
     *
     * @return the entry line's offset in its segment
     */
    long frameEntry(byte[] body) throws IOException {
        long seq = nextSeq;
        ensureRoom(LineCodec.entryLineLength(seq, body));
        long offset = active.writePos + buffer.position();
        LineCodec.frameEntry(buffer, seq, body, crc, scratch);
        active.file.sparse.onEntry(seq, offset);
        lastFramedInActive = seq;
        nextSeq++;
        return offset;
    }

    /** Puts a whole framed line (a status or checkpoint record), rotating or flushing first if needed. */
    void putLine(byte[] line) throws IOException {
        ensureRoom(line.length);
        buffer.put(line);
    }

    /**
     * Makes room for a line of {@code length} bytes: rotates first if the active segment holds a
     * record (an entry, a status or a checkpoint) and the line would take it past its size or it is
     * past its age; flushes the buffer if the line does not fit in it.
     */
    private void ensureRoom(int length) throws IOException {
        if (holdsRecords() && (rotateForAge
                || active.writePos + buffer.position() + length > config.segmentBytes())) {
            flush();
            rotate();
        }
        if (buffer.remaining() < length) {
            flush();
            if (buffer.capacity() < length) {
                buffer = ByteBuffer.allocateDirect(length);
            }
        }
    }

    /** Writes the buffer at the end of the active segment. */
    void flush() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        setStep("writing", active.file.path, active.writePos);
        while (buffer.hasRemaining()) {
            active.writePos += active.channel.write(buffer, active.writePos);
        }
        buffer.clear();
        active.file.setEnd(active.writePos);
        active.file.setLastEntrySeq(lastFramedInActive);
    }

    /**
     * Forces what is written of the active segment (not the buffer: {@link #flush} first) and tells
     * the listener; without a force if nothing was written since the last one.
     */
    void force() throws IOException {
        if (active.forcedPos == active.writePos) {
            // nothing new since the last force (a sync after a timed force, a checkpoint that was not
            // written); what is written is durable already
            durableUpTo.accept(nextSeq - 1);
            return;
        }
        setStep("forcing", active.file.path, -1);
        active.channel.force();
        fsyncs++;
        active.forcedPos = active.writePos;
        lastForceNanos = System.nanoTime();
        durableUpTo.accept(nextSeq - 1);
    }

    /**
     * Closes the active segment and starts the next; call {@link #flush} first. Forces the old one
     * (cut to its real length first if it was preallocated, so closed segments hold no zeros), then
     * creates the new one crash-safely ({@link ActiveSegment#create}), publishes it and lists it in
     * the MANIFEST before any line goes into it.
     */
    void rotate() throws IOException {
        ActiveSegment old = active;
        // Named by the seq of its first entry to come. If the closing segment holds no entry (only
        // status or checkpoint records), that seq is the closing one's own first seq: the next part.
        SegmentFile.Id nextId = nextSeq == old.file.firstSeq
                ? new SegmentFile.Id(nextSeq, Math.addExact(old.file.id.part(), 1))
                : new SegmentFile.Id(nextSeq, 0);
        if (config.preallocate()) {
            setStep("cutting the preallocated end of", old.file.path, old.writePos);
            old.channel.truncate(old.writePos);
            old.forcedPos = -1; // the truncation changed the size: force again
        }
        force();
        setStep("creating the next segment", dir.resolve(SegmentFile.fileName(nextId)), -1);
        ActiveSegment next = ActiveSegment.create(fs, dir, nextId, clock.instant(),
                config.preallocate() ? config.segmentBytes() : 0);
        segments.add(next.file);
        active = next;
        lastFramedInActive = next.file.firstSeq - 1;
        // a fresh segment is not "too old" for the rest of the batch, whatever rotated the old one
        rotateForAge = false;
        // after the new segment's directory entry is durable, before any line goes into it: a crash
        // before this leaves an unlisted header-only segment (deleted on open), never a listed one missing
        setStep("writing the manifest after creating", next.file.path, -1);
        manifest.write(segments);
        try {
            old.channel.close();
        } catch (IOException e) {
            // the old segment is forced; its write channel is no longer needed
            LOG.debug("closing the write channel of {} failed", old.file, e);
        }
        LOG.debug("rotated to segment {}", next.file);
    }

    /** True if the active segment holds a line besides its header, written or still in the buffer. */
    boolean holdsRecords() {
        return active.writePos + buffer.position() > active.file.dataStart;
    }

    /** True if something written is not yet covered by a force. */
    boolean hasUnforcedWrites() {
        return active.forcedPos != active.writePos;
    }

    /** When the last force ended ({@link System#nanoTime()}), or when this writer was made. */
    long lastForceNanos() {
        return lastForceNanos;
    }

    /** True if the active segment is at or past its maximum age. */
    boolean ageExpired() {
        return clock.millis() >= active.file.createdAt.toEpochMilli() + config.segmentMaxAge().toMillis();
    }

    /** Nanoseconds until the active segment reaches its maximum age; 0 if it has. */
    long nanosUntilAgeExpires() {
        long ageMillis = active.file.createdAt.toEpochMilli() + config.segmentMaxAge().toMillis() - clock.millis();
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, ageMillis));
    }

    /** The step, file and offset of the last I/O call begun, for the poison message. */
    String failureContext() {
        Path path = stepPath != null ? stepPath : active.file.path;
        return step + " " + path + (stepOffset >= 0 ? " at offset " + stepOffset : "");
    }

    /** Closes the active segment's write channel, without a flush or force. */
    void close() throws IOException {
        active.channel.close();
    }

    private void setStep(String what, Path path, long offset) {
        step = what;
        stepPath = path;
        stepOffset = offset;
    }
}
