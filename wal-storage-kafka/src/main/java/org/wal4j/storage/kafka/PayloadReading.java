package org.wal4j.storage.kafka;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalPayloadException;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadContext;

/**
 * How a reader turns a record's stored value into the payload of the entry it returns:
 *
 * <ul>
 *   <li>{@link #decoding(PayloadCodec)}: the storage's way. A record whose {@code wal4j.entry}
 *       header has no {@code "payloadCodec"} holds the payload as written and is returned as it is
 *       (written before encryption was turned on, or by a writer without a codec). A record naming a
 *       codec is decoded by the codec of that name; one naming a codec the reader does not have
 *       (none at all, or another) is refused with {@link WalPayloadException}: never returned as if
 *       the stored form were the payload, never skipped.</li>
 *   <li>{@link #asStored()}: what an inspector without keys shows, and what loading the log uses
 *       (it needs no payload): the stored form, ciphertext included, as the record holds it.</li>
 * </ul>
 *
 * Every refusal names the record (topic, partition, offset), the entry (seq, id, namespace), the
 * codec and the key id; never key material.
 *
 * <p>Immutable and thread-safe (the codec is thread-safe by its contract).
 */
final class PayloadReading {
    private static final PayloadReading AS_STORED = new PayloadReading(null, true);
    private static final PayloadReading PLAIN_ONLY = new PayloadReading(null, false);
    /** The key id of a stored form that has one (the AES-GCM codec's {@code "kid"}), for messages only. */
    private static final Pattern KEY_ID = Pattern.compile("\"kid\":\"([A-Za-z0-9._-]{1,64})\"");

    private final @Nullable PayloadCodec codec;
    private final boolean asStored;

    private PayloadReading(@Nullable PayloadCodec codec, boolean asStored) {
        this.codec = codec;
        this.asStored = asStored;
    }

    /** Decodes with {@code codec}, or, with none, refuses every encoded record. */
    static PayloadReading decoding(@Nullable PayloadCodec codec) {
        return codec == null ? PLAIN_ONLY : new PayloadReading(codec, false);
    }

    /** Returns every payload as stored, encoded ones included. */
    static PayloadReading asStored() {
        return AS_STORED;
    }

    /**
     * The payload to return for a record whose header names {@code codecName} (null: none) and
     * whose value is {@code stored}.
     *
     * @param entry names the record and the entry in messages, e.g. {@code entry seq 3 (id …,
     *              namespace …) in the record at topic 't' partition 0 offset 7}
     * @throws WalPayloadException if the record is encoded and this reading cannot decode it
     */
    String payload(@Nullable String codecName, String stored, String entryId, String namespace, String entry) {
        if (codecName == null || asStored) {
            return stored;
        }
        PayloadCodec c = codec;
        if (c == null || !c.name().equals(codecName)) {
            throw new WalPayloadException(entry + " holds a payload encoded by payload codec '" + codecName + "'"
                    + keyIdOf(stored) + ", but the log was opened " + (c == null ? "without a payload codec"
                    : "with payload codec '" + c.name() + "' only") + "; give the payload keys "
                    + "(KafkaLogSettings.Builder.payloadCodec, or wal --payload-key-file) to read it");
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
