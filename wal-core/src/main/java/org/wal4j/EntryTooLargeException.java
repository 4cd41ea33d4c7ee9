package org.wal4j;

/** An entry's payload is larger than the configured maximum. Thrown before anything is written. */
public final class EntryTooLargeException extends WalException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    public EntryTooLargeException(String namespace, String operation, long size, long limit) {
        super("Payload of " + size + " bytes exceeds the maximum of " + limit + " bytes (maxEntryBytes)"
                + " for namespace '" + namespace + "', operation '" + operation + "'");
        this.size = size;
        this.limit = limit;
    }

    /** The payload's size in bytes of UTF-8 JSON. */
    public long size() {
        return size;
    }

    /** The configured maximum payload size in bytes. */
    public long limit() {
        return limit;
    }
}
