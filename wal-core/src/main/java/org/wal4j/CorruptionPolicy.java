package org.wal4j;

/**
 * What opening a log does with a damaged record that is not the torn tail of the last segment.
 * A torn tail (a partial last line, or zeros or garbage after the last complete line of the last
 * segment) is never corruption: it was never acknowledged, and it is cut off and reported.
 */
public enum CorruptionPolicy {
    /** Refuse to open, with a {@link WalCorruptionException} naming the file, offset and checksums. */
    FAIL,
    /**
     * Copy the damaged bytes to a quarantine file beside the segment, report them, drop them from
     * the log and go on. The entries in the damaged bytes are lost to the log.
     */
    QUARANTINE
}
