package org.wal4j.storage.file;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalPayloadException;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadContext;

/**
 * How a reader turns the payload stored in an entry line into the payload it returns:
 *
 * <ul>
 *   <li>{@link #decoding(PayloadCodec)}: the storage's way. A line without {@code "payloadCodec"}
 *       holds the payload as written and is returned as it is (a log written before encryption was
 *       turned on, or by a writer without a codec). A line naming a codec is decoded by the codec
 *       of that name; a line naming a codec the reader does not have (none at all, or another one)
 *       is refused with {@link WalPayloadException}: never returned as if it were the payload.</li>
 *   <li>{@link #asStored()}: what an inspector without keys shows (and the verifier checks): the
 *       stored form, ciphertext included, as the line holds it.</li>
 * </ul>
 *
 * Every refusal names the entry (seq, id, namespace), the file and offset of its line, and the
 * codec and key id; never key material.
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

    /** Decodes with {@code codec}, or, with none, refuses every encoded line. */
    static PayloadReading decoding(@Nullable PayloadCodec codec) {
        return codec == null ? PLAIN_ONLY : new PayloadReading(codec, false);
    }

    /** Returns every payload as stored, encoded ones included. */
    static PayloadReading asStored() {
        return AS_STORED;
    }

    /**
     * The payload to return for a line whose {@code "payloadCodec"} is {@code codecName} (null: none)
     * and whose payload field holds {@code stored}.
     *
     * @throws WalPayloadException if the line is encoded and this reading cannot decode it
     */
    String payload(@Nullable String codecName, String stored, Line line) {
        if (codecName == null || asStored) {
            return stored;
        }
        PayloadCodec c = codec;
        if (c == null || !c.name().equals(codecName)) {
            throw new WalPayloadException(line.describe() + " holds a payload encoded by payload codec '" + codecName
                    + "'" + keyIdOf(stored) + ", but the log was opened " + (c == null ? "without a payload codec"
                    : "with payload codec '" + c.name() + "' only") + "; give the payload keys "
                    + "(FileStorageConfig.Builder.payloadCodec, wal.payload.key.file, or wal --payload-key-file) "
                    + "to read it");
        }
        try {
            return c.decode(new PayloadContext(line.id, line.namespace), stored);
        } catch (WalPayloadException e) {
            throw new WalPayloadException(line.describe() + ": " + e.getMessage(), e);
        }
    }

    private static String keyIdOf(String stored) {
        Matcher m = KEY_ID.matcher(stored);
        return m.find() ? " with key id '" + m.group(1) + "'" : "";
    }

    /** Where an entry line is, and the entry it holds, for messages and the codec's context. */
    record Line(Path file, long offset, long seq, String id, String namespace) {
        String describe() {
            return "entry seq " + seq + " (id " + id + ", namespace " + namespace + ") in " + file + " at offset "
                    + offset;
        }
    }
}
