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

    private EntryTooLargeException(String message, long size, long limit) {
        super(message);
        this.size = size;
        this.limit = limit;
    }

    /**
     * A payload whose stored form, as payload codec {@code codec} encoded it (encrypted: about 4/3
     * of the payload and some 60 bytes more), is over the limit a storage puts on what it stores.
     *
     * @param size the stored form's size in bytes
     */
    public static EntryTooLargeException encoded(String namespace, String operation, String codec, long size,
                                                 long limit) {
        return new EntryTooLargeException("Payload encoded by payload codec '" + codec + "' is " + size
                + " bytes, over the maximum of " + limit + " bytes (maxEntryBytes, which limits the stored form)"
                + " for namespace '" + namespace + "', operation '" + operation + "'", size, limit);
    }

    /** The payload's size in bytes of UTF-8 JSON (for {@link #encoded}: of its stored form). */
    public long size() {
        return size;
    }

    /** The configured maximum payload size in bytes. */
    public long limit() {
        return limit;
    }
}
