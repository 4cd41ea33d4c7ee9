package org.wal4j;

import org.jspecify.annotations.Nullable;

/**
 * An entry's stored payload cannot be turned back into the payload that was written: it was
 * encoded (encrypted) under a key id the reader was not given, its authentication tag does not
 * verify (a wrong key under that id, bytes altered, or a ciphertext moved from another entry), or it
 * was stored encoded and the reader has no payload codec at all. The message names the entry (id,
 * namespace; the file, offset and seq where the storage knows them) and the key id; it never
 * holds key material. Never a silent skip: the entry is not returned, and a storage read that hits
 * it fails.
 */
public final class WalPayloadException extends WalException {
    private static final long serialVersionUID = 1L;

    public WalPayloadException(String message) {
        super(message);
    }

    public WalPayloadException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
