package org.wal4j.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.wal4j.WalPayloadException;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadContext;

/**
 * The AES-GCM payload codec ({@code org.wal4j.PayloadEncryption} builds it and checks its keys).
 * The stored form of a payload:
 *
 * <pre>
 *   {"kid":"k2","iv":"BASE64(12 bytes)","ct":"BASE64(ciphertext || 16-byte tag)"}
 *
 *   kid  the id of the key it was encrypted with: the current key when it was written
 *   iv   a fresh random 96-bit nonce per payload (SecureRandom), never reused
 *   ct   AES-GCM of the payload's UTF-8 bytes, with a 128-bit tag, base64 (RFC 4648, padded)
 *   AAD  "wal4j-payload/aes-gcm/1", kid, namespace, entry id: each as a 4-byte big-endian length
 *        and its UTF-8 bytes
 * </pre>
 *
 * The associated data binds a ciphertext to its entry and its key id: moved into another entry's
 * line, or relabelled with another key id, its tag no longer verifies. The key id is written in
 * the clear so a reader knows which key to use; it is not a secret.
 *
 * <p>Random 96-bit nonces keep the chance of a repeat under one key below 2<sup>-32</sup> for up
 * to 2<sup>32</sup> payloads (NIST SP 800-38D, 8.3); rotate the current key well before that many
 * payloads were written under it.
 *
 * <p>Thread-safe: keys are immutable, the {@link SecureRandom} is thread-safe, and each thread has
 * its own {@link Cipher}.
 */
public final class AesGcmPayloadCodec implements PayloadCodec {
    /** The name a storage records beside the payloads this codec encoded. */
    public static final String NAME = "aes-gcm";
    static final int IV_BYTES = 12;
    static final int TAG_BITS = 128;
    private static final byte[] AAD_LABEL = "wal4j-payload/aes-gcm/1".getBytes(StandardCharsets.UTF_8);
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(AesGcmPayloadCodec::newCipher);

    private final String currentId;
    private final SecretKey currentKey;
    private final Map<String, SecretKey> keys;
    private final SecureRandom random;

    private AesGcmPayloadCodec(String currentId, Map<String, SecretKey> keys, SecureRandom random) {
        this.currentId = currentId;
        this.keys = Map.copyOf(keys);
        SecretKey current = this.keys.get(currentId);
        if (current == null) {
            throw new IllegalArgumentException("current payload key id '" + currentId + "' is not among the keys "
                    + keys.keySet());
        }
        this.currentKey = current;
        this.random = random;
    }

    /**
     * A codec writing with {@code keys.get(currentId)} and reading with any of {@code keys}; the
     * keys were checked by the caller (AES, 128 or 256 bits, ids by the rule). Each key is tried
     * once here, so a key the provider refuses is refused now, not at the first append.
     *
     * @throws IllegalArgumentException if {@code currentId} is not a key of {@code keys}, or the
     *                                  provider refuses a key for AES-GCM
     */
    public static AesGcmPayloadCodec of(String currentId, Map<String, SecretKey> keys) {
        AesGcmPayloadCodec codec = new AesGcmPayloadCodec(currentId, keys, new SecureRandom());
        for (Map.Entry<String, SecretKey> k : codec.keys.entrySet()) {
            try {
                CIPHER.get().init(Cipher.ENCRYPT_MODE, k.getValue(), new GCMParameterSpec(TAG_BITS, codec.nonce()));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("payload key '" + k.getKey() + "' is refused for AES-GCM: " + e, e);
            }
        }
        return codec;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The id of the key new payloads are encrypted with. */
    public String currentKeyId() {
        return currentId;
    }

    /** The ids of every key payloads are decrypted with, the current one included, sorted. */
    public List<String> keyIds() {
        List<String> ids = new ArrayList<>(keys.keySet());
        ids.sort(null);
        return ids;
    }

    @Override
    public String encode(PayloadContext context, String payloadJson) {
        byte[] iv = nonce();
        byte[] ct;
        try {
            Cipher c = CIPHER.get();
            c.init(Cipher.ENCRYPT_MODE, currentKey, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(aad(currentId, context));
            ct = c.doFinal(payloadJson.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new WalPayloadException("encrypting the payload of entry " + context.entryId() + " (namespace "
                    + context.namespace() + ") with key '" + currentId + "' failed: " + e, e);
        }
        Base64.Encoder b64 = Base64.getEncoder();
        // kid matches [A-Za-z0-9._-] and base64 has no character JSON escapes: nothing to escape
        return "{\"kid\":\"" + currentId + "\",\"iv\":\"" + b64.encodeToString(iv) + "\",\"ct\":\""
                + b64.encodeToString(ct) + "\"}";
    }

    @Override
    public String decode(PayloadContext context, String storedJson) {
        Stored s = parse(context, storedJson);
        SecretKey key = keys.get(s.kid);
        if (key == null) {
            throw new WalPayloadException("payload of entry " + context.entryId() + " (namespace "
                    + context.namespace() + ") is encrypted with key id '" + s.kid + "', which is not among the "
                    + "payload keys given " + keyIds() + "; add that key (as an older key) to read it");
        }
        byte[] plain;
        try {
            Cipher c = CIPHER.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, s.iv));
            c.updateAAD(aad(s.kid, context));
            plain = c.doFinal(s.ct);
        } catch (AEADBadTagException e) {
            throw new WalPayloadException("payload of entry " + context.entryId() + " (namespace "
                    + context.namespace() + ") does not decrypt with key id '" + s.kid + "': its authentication tag "
                    + "does not verify (the key given under that id is not the one it was written with, or the "
                    + "ciphertext was altered or copied from another entry)", e);
        } catch (GeneralSecurityException e) {
            throw new WalPayloadException("decrypting the payload of entry " + context.entryId() + " (namespace "
                    + context.namespace() + ") with key id '" + s.kid + "' failed: " + e, e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(plain)).toString();
        } catch (CharacterCodingException e) {
            // authenticated, so written like this: by a writer that did not encode UTF-8
            throw new WalPayloadException("payload of entry " + context.entryId() + " (namespace "
                    + context.namespace() + "), key id '" + s.kid + "', decrypts to bytes that are not UTF-8", e);
        }
    }

    /** A parsed stored form; its arrays are this codec's own. */
    private static final class Stored {
        final String kid;
        final byte[] iv;
        final byte[] ct;

        Stored(String kid, byte[] iv, byte[] ct) {
            this.kid = kid;
            this.iv = iv;
            this.ct = ct;
        }
    }

    /** The fields of a stored form: exactly {@code kid}, {@code iv} and {@code ct}, strings, in any order. */
    private static Stored parse(PayloadContext context, String storedJson) {
        String kid = null;
        String iv = null;
        String ct = null;
        try (JsonParser p = JSON.createParser(storedJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw new IOException("field " + field + " is not a string");
                }
                switch (field) {
                    case "kid" -> kid = p.getText();
                    case "iv" -> iv = p.getText();
                    case "ct" -> ct = p.getText();
                    default -> throw new IOException("unknown field " + field);
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException("not one JSON object");
            }
            if (kid == null || iv == null || ct == null) {
                throw new IOException("a field of kid, iv, ct is missing");
            }
            byte[] ivBytes = Base64.getDecoder().decode(iv);
            if (ivBytes.length != IV_BYTES) {
                throw new IOException("iv is " + ivBytes.length + " bytes, not " + IV_BYTES);
            }
            byte[] ctBytes = Base64.getDecoder().decode(ct);
            if (ctBytes.length < TAG_BITS / 8) {
                throw new IOException("ct is " + ctBytes.length + " bytes, shorter than the tag");
            }
            return new Stored(kid, ivBytes, ctBytes);
        } catch (IOException | IllegalArgumentException e) {
            throw new WalPayloadException("payload of entry " + context.entryId() + " (namespace "
                    + context.namespace() + ") is not in the aes-gcm stored form {\"kid\",\"iv\",\"ct\"}"
                    + (kid == null ? "" : " (key id '" + kid + "')") + ": " + e.getMessage(), e);
        }
    }

    private byte[] nonce() {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        return iv;
    }

    /** The associated data: label, key id, namespace, entry id, each length-prefixed so no two differ only by a split. */
    static byte[] aad(String kid, PayloadContext context) {
        byte[][] parts = {AAD_LABEL, utf8(kid), utf8(context.namespace()), utf8(context.entryId())};
        int size = 0;
        for (byte[] part : parts) {
            size += Integer.BYTES + part.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        for (byte[] part : parts) {
            b.putInt(part.length).put(part);
        }
        return b.array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES/GCM/NoPadding cipher: " + e, e);
        }
    }

    /** Names the keys by id only; never key material. */
    @Override
    public String toString() {
        List<String> older = keyIds();
        older.remove(currentId);
        return "PayloadCodec{" + NAME + ", current key '" + currentId + "', older keys " + older + "}";
    }
}
