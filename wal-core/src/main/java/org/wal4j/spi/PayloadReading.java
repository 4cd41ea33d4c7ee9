package org.wal4j.spi;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalPayloadException;

/**
 * How a storage's reader turns the payload it stored for an entry back into the payload it
 * returns, when entries may be stored encoded by a {@link PayloadCodec}:
 *
 * <ul>
 *   <li>{@link #decoding}: the storage's way. An entry stored without a codec name holds the
 *       payload as written and is returned as it is (written before encryption was turned on, or by
 *       a writer without a codec). One naming a codec is decoded by the codec of that name; one
 *       naming a codec the reader does not have (none at all, or another) is refused with
 *       {@link WalPayloadException}: never returned as if the stored form were the payload, never
 *       skipped.</li>
 *   <li>{@link #asStored()}: what an inspector without keys shows, and what a reader that needs no
 *       payload uses (recovery, loading an index): the stored form, ciphertext included.</li>
 * </ul>
 *
 * Every refusal names the entry as the storage describes it (where it is, its seq, id and
 * namespace), the codec and the key id; never key material. Used by the file log and the Kafka
 * log.
 *
 * <p>Immutable and thread-safe (the codec is thread-safe by its contract).
 */
public final class PayloadReading {
    private static final PayloadReading AS_STORED = new PayloadReading(null, "", true);
    /** The key id of a stored form that has one (the AES-GCM codec's {@code "kid"}), for messages only. */
    private static final Pattern KEY_ID = Pattern.compile("\"kid\":\"([A-Za-z0-9._-]{1,64})\"");

    private final @Nullable PayloadCodec codec;
    private final String keySettings;
    private final boolean asStored;

    private PayloadReading(@Nullable PayloadCodec codec, String keySettings, boolean asStored) {
        this.codec = codec;
        this.keySettings = keySettings;
        this.asStored = asStored;
    }

    /**
     * Decodes with {@code codec}, or, with none, refuses every encoded entry.
     *
     * @param keySettings where a user gives the storage its keys, named in refusals, e.g.
     *                    {@code "FileStorageConfig.Builder.payloadCodec, or wal --payload-key-file"}
     */
    public static PayloadReading decoding(String keySettings, @Nullable PayloadCodec codec) {
        return new PayloadReading(codec, Objects.requireNonNull(keySettings, "keySettings must not be null"), false);
    }

    /** Returns every payload as stored, encoded ones included. */
    public static PayloadReading asStored() {
        return AS_STORED;
    }

    /**
     * The payload to return for an entry stored with codec {@code codecName} (null: none) as
     * {@code stored}.
     *
     * @param entry describes the entry and where it is stored, for messages, e.g. {@code entry seq 3
     *              (id …, namespace …) in the record at topic 't' partition 0 offset 7}
     * @throws WalPayloadException if the entry is encoded and this reading cannot decode it
     */
    public String payload(@Nullable String codecName, String stored, String entryId, String namespace, String entry) {
        if (codecName == null || asStored) {
            return stored;
        }
        PayloadCodec c = codec;
        if (c == null || !c.name().equals(codecName)) {
            throw new WalPayloadException(entry + " holds a payload encoded by payload codec '" + codecName + "'"
                    + keyIdOf(stored) + ", but the log was opened " + (c == null ? "without a payload codec"
                    : "with payload codec '" + c.name() + "' only") + "; give the payload keys (" + keySettings
                    + ") to read it");
        }
        try {
            return c.decode(new PayloadContext(entryId, namespace), stored);
        } catch (WalPayloadException e) {
            throw new WalPayloadException(entry + ": " + e.getMessage(), e);
        }
    }

    private static String keyIdOf(String stored) {
        Matcher m = KEY_ID.matcher(stored);
        return m.find() ? " with key id '" + m.group(1) + "'" : "";
    }
}
