package org.wal4j.storage.kafka;

import org.jspecify.annotations.Nullable;
import org.wal4j.WalIOException;

/**
 * A record of the log or companion topic that wal4j cannot read back: a missing header, a checksum
 * that does not match, fields that are not an entry or a status. The message names the topic,
 * partition and offset. Opening a log refuses it (there is no quarantine for a Kafka log yet).
 *
 * <p>Immutable and thread-safe.
 */
public final class CorruptRecordException extends WalIOException {
    private static final long serialVersionUID = 1L;

    /** @param message names the record and what is wrong with it */
    public CorruptRecordException(String message) {
        super(message, null);
    }

    /** @param cause the parse failure behind it */
    public CorruptRecordException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
