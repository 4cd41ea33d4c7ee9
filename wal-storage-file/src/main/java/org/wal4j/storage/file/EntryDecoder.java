package org.wal4j.storage.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.wal4j.Backoff;
import org.wal4j.Lifecycle;
import org.wal4j.Priority;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.spi.PayloadReading;

/**
 * Turns an entry line (checksum already verified) back into the {@link WalEntry} that was
 * appended, with Jackson's streaming parser. The payload is not parsed: it is the last field, so
 * its text is the bytes from after {@code "payload":} to the line's closing brace, returned byte
 * for byte, or, for a line with {@code "payloadCodec"}, as its {@link PayloadReading} decodes it.
 * Every field goes through the entry builder's validation again, so a line that
 * passes its checksum but holds impossible values is reported as corruption, not returned.
 *
 * <p>Stateless and thread-safe.
 */
final class EntryDecoder {
    /**
     * Repeated field names are refused: the scanner that indexes a line reads the first
     * {@code "seq"} and {@code "targets"}, a parser that kept the last of repeated ones would
     * return an entry other than the one indexed.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final byte[] PAYLOAD = LineCodec.ascii("\"payload\":");
    private static final String UNREADABLE = "entry line cannot be read back: ";

    private EntryDecoder() {
    }

    /**
     * Decodes the entry line {@code b[start, end)} (no {@code \n}) found in {@code file} at
     * {@code offset}, its payload read by {@code reading}.
     *
     * @throws WalCorruptionException if the line breaks the format
     * @throws org.wal4j.WalPayloadException if its payload is encoded and {@code reading} cannot
     *                                       decode it (unknown codec or key id, a tag that does not verify)
     */
    static WalEntry decode(byte[] b, int start, int end, Path file, long offset, PayloadReading reading) {
        try {
            return parse(b, start, end, file, offset, reading);
        } catch (IOException | IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            throw new WalCorruptionException(file, offset, UNREADABLE + e.getMessage());
        }
    }

    /**
     * Why the entry line {@code b[start, end)} cannot be read back, or null if it can: what
     * {@link #decode} would report, for the verifier, which must agree with the reader.
     */
    static @Nullable String problemOf(byte[] b, int start, int end) {
        try {
            parse(b, start, end, Path.of(""), -1, PayloadReading.asStored());
            return null;
        } catch (IOException | IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            return UNREADABLE + e.getMessage();
        }
    }

    private static WalEntry parse(byte[] b, int start, int end, Path file, long offset, PayloadReading reading)
            throws IOException {
        long seq = 0;
        String id = null;
        Instant createdAt = null;
        String namespace = null;
        String key = null;
        String operation = null;
        List<String> targets = null;
        String idempotencyKey = null;
        String correlationId = null;
        String tenantId = null;
        String userId = null;
        Lifecycle lifecycle = null;
        List<String> alsoKeys = List.of();
        Map<String, String> trace = Map.of();
        String payloadCodec = null;
        String payload = null;
        try (JsonParser p = JSON.createParser(b, start, end - start)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (payload == null && p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (field.equals("payload")) {
                    payload = payload(b, start, end, (int) p.currentTokenLocation().getByteOffset());
                    break;
                }
                p.nextToken();
                switch (field) {
                    case "seq":
                        seq = p.getLongValue();
                        break;
                    case "id":
                        id = p.getText();
                        break;
                    case "createdAt":
                        createdAt = Instant.parse(p.getText());
                        break;
                    case "namespace":
                        namespace = p.getText();
                        break;
                    case "key":
                        key = text(p);
                        break;
                    case "operation":
                        operation = p.getText();
                        break;
                    case "targets":
                        targets = targets(p);
                        break;
                    case "idempotencyKey":
                        idempotencyKey = p.getText();
                        break;
                    case "correlationId":
                        correlationId = text(p);
                        break;
                    case "tenantId":
                        tenantId = text(p);
                        break;
                    case "userId":
                        userId = text(p);
                        break;
                    case "lifecycle":
                        lifecycle = lifecycle(p);
                        break;
                    case "alsoKeys":
                        alsoKeys = strings(p, "alsoKeys");
                        break;
                    case "trace":
                        trace = stringFields(p, "trace");
                        break;
                    case "payloadCodec":
                        payloadCodec = codecName(p);
                        break;
                    default: // crc, type, and fields a later format version may add
                        p.skipChildren();
                        break;
                }
            }
        }
        if (payload == null) {
            throw new IOException("no payload field");
        }
        if (payloadCodec != null) {
            String entryId = required(id, "id");
            String ns = required(namespace, "namespace");
            payload = reading.payload(payloadCodec, payload, entryId, ns, "entry seq " + seq + " (id " + entryId
                    + ", namespace " + ns + ") in " + file + " at offset " + offset);
        }
        WalEntry.Builder builder = WalEntry.builder(required(namespace, "namespace"), required(operation, "operation"))
                .id(id).createdAt(required(createdAt, "createdAt")).key(key).payloadJson(payload)
                .targets(required(targets, "targets")).idempotencyKey(idempotencyKey).correlationId(correlationId)
                .tenantId(tenantId).userId(userId).lifecycle(required(lifecycle, "lifecycle")).alsoKeys(alsoKeys)
                .traceContext(trace);
        return builder.build().withSeq(seq);
    }

    /**
     * A field every entry line has: a line without it is damage, reported as the builder would
     * report the null ({@code namespace must not be null}).
     */
    private static <T> T required(@Nullable T value, String field) throws IOException {
        if (value == null) {
            throw new IOException(field + " must not be null");
        }
        return value;
    }

    /** The payload's text: from after {@code "payload":} to before the final {@code '}'}. */
    private static String payload(byte[] b, int start, int end, int nameOffset) throws IOException {
        int from = start + nameOffset + PAYLOAD.length;
        if (nameOffset < 0 || from > end - 1 || !Arrays.equals(b, start + nameOffset, from, PAYLOAD, 0, PAYLOAD.length)
                || b[end - 1] != '}') {
            throw new IOException("payload is not where the format puts it");
        }
        // strict: bytes that are not UTF-8 are damage, not text to replace with U+FFFD
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(b, from, end - 1 - from)).toString();
    }

    /** The {@code "payloadCodec"} field: a codec name, as {@link EntryBodyEncoder} writes it. */
    private static String codecName(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING || !EntryBodyEncoder.isCodecName(p.getText())) {
            throw new IOException("payloadCodec is not a codec name: " + p.getText());
        }
        return p.getText();
    }

    private static @Nullable String text(JsonParser p) throws IOException {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : p.getText();
    }

    private static List<String> targets(JsonParser p) throws IOException {
        return strings(p, "targets");
    }

    /** An array of strings; anything else in it (a null, a number) is damage. */
    private static List<String> strings(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IOException(field + " is not an array");
        }
        List<String> out = new ArrayList<>(2);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
            out.add(p.getText());
        }
        if (t != JsonToken.END_ARRAY) {
            throw new IOException(field + " holds " + t + " where a string belongs");
        }
        return out;
    }

    private static Map<String, String> stringFields(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException(field + " is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new IOException(field + "." + name + " holds " + p.currentToken() + " where a string belongs");
            }
            out.put(name, p.getText());
        }
        return out;
    }

    private static Lifecycle lifecycle(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("lifecycle is not an object");
        }
        Lifecycle.Builder l = Lifecycle.builder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "maxAttempts":
                    l.maxAttempts(p.getIntValue());
                    break;
                case "initialDelayMs":
                    l.initialDelay(Duration.ofMillis(p.getLongValue()));
                    break;
                case "backoff":
                    l.backoff(Backoff.valueOf(p.getText()));
                    break;
                case "backoffBaseMs":
                    l.backoffBase(Duration.ofMillis(p.getLongValue()));
                    break;
                case "backoffMultiplier":
                    l.backoffMultiplier(p.getDoubleValue());
                    break;
                case "backoffCapMs":
                    l.backoffCap(Duration.ofMillis(p.getLongValue()));
                    break;
                case "jitter":
                    l.jitter(p.getBooleanValue());
                    break;
                case "ttlMs":
                    l.ttl(value == JsonToken.VALUE_NULL ? null : Duration.ofMillis(p.getLongValue()));
                    break;
                case "priority":
                    l.priority(Priority.valueOf(p.getText()));
                    break;
                default:
                    p.skipChildren();
                    break;
            }
        }
        return l.build();
    }
}
