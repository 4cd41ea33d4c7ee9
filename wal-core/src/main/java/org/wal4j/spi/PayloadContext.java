package org.wal4j.spi;

import java.util.Objects;
import org.wal4j.WalEntry;

/**
 * What a {@link PayloadCodec} binds a payload's stored form to: the entry it belongs to. The
 * AES-GCM codec authenticates both fields with the ciphertext, so a stored payload copied into
 * another entry's line does not decode there. Both are known before a storage assigns the seq
 * (the seq is not part of it: it is assigned after the payload is encoded).
 *
 * <p>Immutable and thread-safe.
 *
 * @param entryId   the entry's id ({@link org.wal4j.WalEntry#id()}), unique across logs
 * @param namespace the entry's namespace
 */
public record PayloadContext(String entryId, String namespace) {
    public PayloadContext {
        Objects.requireNonNull(entryId, "entryId must not be null");
        Objects.requireNonNull(namespace, "namespace must not be null");
    }

    /** The context of {@code entry}. */
    public static PayloadContext of(WalEntry entry) {
        return new PayloadContext(entry.id(), entry.namespace());
    }
}
