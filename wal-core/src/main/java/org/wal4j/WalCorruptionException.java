package org.wal4j;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A record of the log failed its checksum or could not be parsed, somewhere other than the torn
 * tail of the last segment. Thrown when opening under {@link CorruptionPolicy#FAIL} and when
 * reading a damaged record.
 */
public final class WalCorruptionException extends WalException {
    private static final long serialVersionUID = 1L;
    private static final long NONE = -1;

    private final transient Path file;
    private final long offset;
    private final long expectedChecksum;
    private final long actualChecksum;

    /** A checksum mismatch: {@code expected} is the value stored in the record. */
    public WalCorruptionException(Path file, long offset, long expectedChecksum, long actualChecksum) {
        super(String.format("Corrupt record in %s at offset %d: stored checksum is %08x but computed checksum is %08x",
                file, offset, expectedChecksum, actualChecksum));
        this.file = file;
        this.offset = offset;
        this.expectedChecksum = expectedChecksum;
        this.actualChecksum = actualChecksum;
    }

    /** A record that is not checksum-damaged but still unreadable; {@code problem} says why. */
    public WalCorruptionException(Path file, long offset, String problem) {
        super("Corrupt record in " + file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
        this.expectedChecksum = NONE;
        this.actualChecksum = NONE;
    }

    /**
     * The log's set of files is not what it wrote: a segment is missing, extra, renamed, truncated,
     * not a regular file, or a symbolic link; {@code problem} says which and what. No offset.
     */
    public static WalCorruptionException ofFileSet(Path file, String problem) {
        return new WalCorruptionException("Log file set damaged at " + file + ": " + problem, file);
    }

    private WalCorruptionException(String message, Path file) {
        super(message);
        this.file = file;
        this.offset = NONE;
        this.expectedChecksum = NONE;
        this.actualChecksum = NONE;
    }

    public Path file() {
        return file;
    }

    /** Byte offset of the start of the damaged record within {@link #file()}; -1 for a file-set problem. */
    public long offset() {
        return offset;
    }

    /** The checksum stored in the record, if the record had a readable one. */
    public OptionalLong expectedChecksum() {
        return expectedChecksum == NONE ? OptionalLong.empty() : OptionalLong.of(expectedChecksum);
    }

    /** The checksum computed over the record's bytes, if a stored one was there to compare. */
    public OptionalLong actualChecksum() {
        return actualChecksum == NONE ? OptionalLong.empty() : OptionalLong.of(actualChecksum);
    }
}
