package org.wal4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.wal4j.internal.AesGcmPayloadCodec;
import org.wal4j.spi.PayloadCodec;

/**
 * Encryption of payloads at rest with AES-GCM, keys supplied by the application: builds the
 * {@link PayloadCodec} a storage encrypts every payload with before it is written, and decrypts
 * with when it is read back (the file log: {@code FileStorageConfig.Builder.payloadCodec}). Only
 * {@code javax.crypto} is used.
 *
 * <pre>{@code
 * PayloadCodec codec = PayloadEncryption.builder()
 *         .currentKey("2026-06", newKey)        // encrypts every new payload
 *         .previousKey("2026-01", oldKey)       // still decrypts what was written under it
 *         .build();
 * }</pre>
 *
 * <p>Each key has an id, written in the clear beside every payload encrypted with it, so keys
 * rotate: make a new key current and keep the older ones as previous keys until no entry written
 * under them is left in the log (docs/operations.md, "Payload keys"). A key is 128 or 256 bits of
 * AES. Every problem with the keys (a blank or malformed id, an id given twice, a key of another
 * length or algorithm, no current key) is refused here, naming it, before anything is written;
 * messages name key ids and lengths, never key material.
 *
 * <p>A key file ({@link #fromKeyFile}) holds one key per line, {@code id=BASE64}; it keeps keys
 * out of command lines and configuration, which name only the file.
 *
 * <p>Thread-safe: static methods only; the codec built is thread-safe.
 */
public final class PayloadEncryption {
    /** Key ids: {@value #KEY_ID_RULE}. */
    public static final String KEY_ID_RULE = "[A-Za-z0-9._-]{1,64}";
    /** The {@link PayloadCodec#name()} of the codec built here, written beside each encrypted payload. */
    public static final String CODEC_NAME = AesGcmPayloadCodec.NAME;

    private static final Pattern KEY_ID = Pattern.compile(KEY_ID_RULE);

    private PayloadEncryption() {
    }

    /** A builder with no key yet. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The codec of the keys in {@code file}: one key per line, {@code id=BASE64} (RFC 4648 base64
     * of 16 or 32 raw bytes; whitespace around either part is ignored); blank lines and lines
     * starting with {@code #} are skipped. The <b>last</b> key of the file is the current key
     * (append a new key to rotate); the others are previous keys. Keep the file readable by the
     * application's user only.
     *
     * @throws IllegalArgumentException naming the file, the line number and the problem (never the
     *                                  key's text), or the file if it cannot be read or holds no key
     */
    public static PayloadCodec fromKeyFile(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("payload key file " + file + " cannot be read: " + e, e);
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String last = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "payload key file " + file + " line " + (i + 1) + ": ";
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(where + "expected id=BASE64KEY, found no '='");
            }
            String id = line.substring(0, eq).strip();
            try {
                requireKeyId(id);
                if (keys.containsKey(id)) {
                    throw new IllegalArgumentException("payload key id '" + id + "' is given twice");
                }
                byte[] raw;
                try {
                    raw = Base64.getDecoder().decode(line.substring(eq + 1).strip());
                } catch (IllegalArgumentException e) {
                    // the decoder's message quotes a character of the key: not repeated
                    throw new IllegalArgumentException("payload key '" + id + "' is not base64 (RFC 4648)", e);
                }
                requireKeyLength(id, raw.length);
                keys.put(id, raw);
                last = id;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("payload key file " + file + " holds no key (lines id=BASE64KEY)");
        }
        Builder b = builder();
        for (Map.Entry<String, byte[]> k : keys.entrySet()) {
            if (k.getKey().equals(last)) {
                b.currentKey(k.getKey(), k.getValue());
            } else {
                b.previousKey(k.getKey(), k.getValue());
            }
            Arrays.fill(k.getValue(), (byte) 0);
        }
        return b.build();
    }

    private static String requireKeyId(@Nullable String id) {
        if (id == null) {
            throw new IllegalArgumentException("payload key id must not be null");
        }
        if (id.isBlank()) {
            throw new IllegalArgumentException("payload key id must not be blank but was '" + id + "'");
        }
        if (!KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("payload key id must match " + KEY_ID_RULE + " but was '" + id + "'");
        }
        return id;
    }

    private static void requireKeyLength(String id, int bytes) {
        if (bytes != 16 && bytes != 32) {
            throw new IllegalArgumentException("payload key '" + id + "' is " + bytes + " bytes (" + 8L * bytes
                    + " bits); an AES key for payloads is 16 or 32 bytes (128 or 256 bits)");
        }
    }

    /**
     * Collects the keys of a payload codec: exactly one current key, any number of previous ones,
     * every id once. Each setter checks its arguments at once. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, SecretKey> keys = new LinkedHashMap<>();
        private @Nullable String currentId;

        private Builder() {
        }

        /**
         * The key new payloads are encrypted with, and its id (matching {@link #KEY_ID_RULE}).
         * Required, once.
         *
         * @throws IllegalArgumentException for a malformed or repeated id, a key that is not AES
         *                                  of 128 or 256 bits, or a second current key
         */
        public Builder currentKey(String id, SecretKey key) {
            if (currentId != null) {
                throw new IllegalArgumentException("the current payload key is already '" + currentId + "'; cannot "
                        + "make '" + id + "' current too (give older keys with previousKey)");
            }
            add(id, key);
            currentId = id;
            return this;
        }

        /** {@link #currentKey(String, SecretKey)} with the key's raw 16 or 32 bytes (copied). */
        public Builder currentKey(String id, byte[] key) {
            return currentKey(id, aes(id, key));
        }

        /**
         * A key older payloads were encrypted with: used to decrypt only.
         *
         * @throws IllegalArgumentException for a malformed or repeated id, or a key that is not AES
         *                                  of 128 or 256 bits
         */
        public Builder previousKey(String id, SecretKey key) {
            add(id, key);
            return this;
        }

        /** {@link #previousKey(String, SecretKey)} with the key's raw 16 or 32 bytes (copied). */
        public Builder previousKey(String id, byte[] key) {
            return previousKey(id, aes(id, key));
        }

        /**
         * The codec: encrypts with the current key, decrypts with any key given.
         *
         * @throws IllegalArgumentException if no current key was given, or the JVM's provider
         *                                  refuses a key for AES-GCM
         */
        public PayloadCodec build() {
            String current = currentId;
            if (current == null) {
                throw new IllegalArgumentException("no current payload key: give the key new payloads are "
                        + "encrypted with by currentKey(id, key)" + (keys.isEmpty() ? "" : "; previous keys "
                        + keys.keySet()));
            }
            return AesGcmPayloadCodec.of(current, keys);
        }

        private void add(String id, SecretKey key) {
            requireKeyId(id);
            if (key == null) {
                throw new IllegalArgumentException("payload key '" + id + "' must not be null");
            }
            if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
                throw new IllegalArgumentException("payload key '" + id + "' is a " + key.getAlgorithm()
                        + " key; payloads are encrypted with AES");
            }
            byte[] encoded = key.getEncoded(); // null for a key that never leaves its token: its provider checks it
            if (encoded != null) {
                requireKeyLength(id, encoded.length);
                Arrays.fill(encoded, (byte) 0);
            }
            if (keys.containsKey(id)) {
                throw new IllegalArgumentException("payload key id '" + id + "' is given twice");
            }
            keys.put(id, key);
        }

        private static SecretKey aes(String id, byte[] raw) {
            requireKeyId(id);
            if (raw == null) {
                throw new IllegalArgumentException("payload key '" + id + "' must not be null");
            }
            requireKeyLength(id, raw.length);
            return new SecretKeySpec(raw, "AES");
        }
    }
}
