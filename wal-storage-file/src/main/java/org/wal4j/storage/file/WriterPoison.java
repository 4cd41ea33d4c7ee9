package org.wal4j.storage.file;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.WalDiskFullException;
import org.wal4j.WalUnavailableException;

/**
 * The first failure of the log's writer, and the exceptions that name it: after a failed write,
 * force, truncate or segment creation every caller learns that failure, and every later write is
 * refused naming it ("Log already failed after seq …", as Ratis says "Log already failed at
 * index …"). A full disk gets {@link WalDiskFullException} with what to do about it. Nothing here
 * decides what poisons: {@link LogWriter} records only its own writes' and forces' failures
 * (a failed compaction poisons nothing).
 *
 * <p>Thread-safe: the first failure is published once, as one immutable value; callers serialize
 * {@link #record} (LogWriter does, holding its own monitor).
 */
final class WriterPoison {
    // the writer's logger: operators filter on it, and this line is the writer's
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    private record First(WalUnavailableException exception, String reason, boolean diskFull) {
    }

    /** The first failure; null while there was none. */
    private volatile @Nullable First first;

    /** True once a failure is recorded. */
    boolean isSet() {
        return first != null;
    }

    /** The exception of the first failure, or null if there was none. */
    @Nullable WalUnavailableException exception() {
        First f = first;
        return f == null ? null : f.exception();
    }

    /** The exception of the first failure, which the caller knows was recorded. */
    WalUnavailableException recorded() {
        return Objects.requireNonNull(first, "no failure is recorded").exception();
    }

    /**
     * Records the first failure, logging it once (one line: the caller gets the exception, cause and
     * stack trace included; repeating the trace would put it on an operator's terminal twice, and
     * the CLI promises one line). Later calls are ignored.
     *
     * @param what    what the writer was doing, with the file and offset
     * @param lastSeq the last seq acknowledged, for the log line
     */
    void record(String what, Throwable cause, long lastSeq) {
        if (first != null) {
            return;
        }
        boolean diskFull = IoErrors.isDiskFull(cause);
        String reason = what + ": " + IoErrors.describe(cause);
        String message = diskFull
                ? "The disk holding the log is full (" + reason + "); the log is poisoned and refuses writes: "
                        + "free space, then reopen it"
                : "The log failed " + reason + "; it is poisoned and refuses writes until reopened";
        first = new First(diskFull ? new WalDiskFullException(message, cause) : new WalUnavailableException(message, cause),
                reason, diskFull);
        LOG.error("{} (last acknowledged seq {})", message, lastSeq);
        LOG.debug("The failure that poisoned the log", cause);
    }

    /**
     * The exception for a write refused because of the recorded failure, naming it and caused by
     * it; null if none is recorded.
     */
    @Nullable WalUnavailableException refusal(long lastSeq) {
        First f = first;
        if (f == null) {
            return null;
        }
        String message = "Log already failed after seq " + lastSeq + " (" + f.reason() + "); "
                + (f.diskFull() ? "the disk is full: free space, then reopen the log" : "it refuses writes until reopened");
        return f.diskFull() ? new WalDiskFullException(message, f.exception())
                : new WalUnavailableException(message, f.exception());
    }
}
