package org.wal4j.storage.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.wal4j.Backoff;
import org.wal4j.LaneId;
import org.wal4j.Lifecycle;
import org.wal4j.Priority;
import org.wal4j.WalEntry;
import org.wal4j.WalPayloadException;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadContext;
import org.wal4j.spi.PayloadReading;

/**
 * The bytes of one entry in the log topic. The file log's line encoder lives in
 * {@code wal-storage-file} and is not shared through {@code wal-core}, so the Kafka log has its own
 * small format, JSON like the file log's and readable with Kafka's console consumer and {@code jq}:
 *
 * <pre>
 * record key        ApplyPartitions.routingKey(lane): namespace, 0x00, key (UTF-8)
 * record value      the payload, byte for byte as the caller gave it (UTF-8 JSON); with a payload
 *                   codec, the codec's stored form of it (AES-GCM: {"kid":"…","iv":"…","ct":"…"})
 * header wal4j.entry  {"v":1,"seq":17,"id":"…","createdAt":"2026-01-01T00:00:00.123456789Z",
 *                      "namespace":"orders","key":"account-3",
 *                      "alsoKeys":["account-4"],                   (only when not empty)
 *                      "operation":"debit","targets":["primary"],
 *                      "idempotencyKey":"…",                       (only when not the id)
 *                      "correlationId":"…","tenantId":"…","userId":"…", (each only when not null)
 *                      "lifecycle":{…},                            (lifecycle only if not the default)
 *                      "trace":{"traceparent":"…"},                (trace only for an entry with a trace context)
 *                      "payloadCodec":"aes-gcm"}                   (only for a value stored encoded)
 *                    a shared log's records have no "seq"; a field left out reads as null, empty or the id
 * header wal4j.crc32c CRC32C of (the wal4j.entry header's bytes, then the value's bytes), 4 bytes big-endian
 * </pre>
 *
 * The payload is the record's value, not a field of the header, so that it comes back exactly as
 * written (a JSON tree would reformat numbers and spacing) and a consumer outside wal4j reads it as
 * it is. The checksum covers both parts: Kafka's own batch CRC guards the bytes on the wire and on
 * the broker's disk, this one guards what wal4j wrote against a foreign producer or a damaged
 * mirror. With a {@link PayloadCodec} the value is the codec's stored form and the checksum covers
 * that, what is written; {@link PayloadReading} turns it back into the payload when read. An entry is committed when the broker acknowledges its record with {@code acks=all}.
 *
 * <p>Thread-safe: stateless (Jackson's factory and mapper are thread-safe).
 */
final class EntryCodec {
    /** Where a user gives the Kafka log its payload keys, named when an encoded record cannot be read. */
    static final String PAYLOAD_KEYS = "KafkaLogSettings.Builder.payloadCodec, or wal --payload-key-file";

    /** Header holding the entry's fields but the payload. */
    static final String ENTRY_HEADER = "wal4j.entry";
    /** Header holding the CRC32C of the entry header and the value. */
    static final String CRC_HEADER = "wal4j.crc32c";
    /** Field of {@value #ENTRY_HEADER} naming the payload codec the value is stored with. */
    static final String PAYLOAD_CODEC = "payloadCodec";
    /** The format's version, field {@code v}. */
    static final int VERSION = 1;

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EntryCodec() {
    }

    /** The record key of an entry: its lane's routing key, by which its partition is chosen. */
    static byte[] key(WalEntry entry) {
        return ApplyPartitions.routingKey(LaneId.of(entry));
    }

    /** The record's value: the payload bytes, or with {@code codec} its stored form's. */
    static byte[] value(WalEntry entry, @Nullable PayloadCodec codec) {
        String stored = codec == null ? entry.payload() : codec.encode(PayloadContext.of(entry), entry.payload());
        return stored.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The {@value #ENTRY_HEADER} header of an entry whose seq is assigned, naming {@code codecName}
     * (the codec its value is stored with; null: none) in {@code "payloadCodec"}.
     */
    static byte[] header(WalEntry entry, @Nullable String codecName) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            if (entry.seq() != WalEntry.UNASSIGNED) {
                g.writeNumberField("seq", entry.seq());
            }
            g.writeStringField("id", entry.id());
            g.writeStringField("createdAt", entry.createdAt().toString());
            g.writeStringField("namespace", entry.namespace());
            writeOptional(g, "key", entry.key());
            if (!entry.alsoKeys().isEmpty()) {
                g.writeArrayFieldStart("alsoKeys");
                for (String k : entry.alsoKeys()) {
                    g.writeString(k);
                }
                g.writeEndArray();
            }
            g.writeStringField("operation", entry.operation());
            g.writeArrayFieldStart("targets");
            for (String t : entry.targets()) {
                g.writeString(t);
            }
            g.writeEndArray();
            if (!entry.idempotencyKey().equals(entry.id())) {
                g.writeStringField("idempotencyKey", entry.idempotencyKey());
            }
            writeOptional(g, "correlationId", entry.correlationId());
            writeOptional(g, "tenantId", entry.tenantId());
            writeOptional(g, "userId", entry.userId());
            if (!entry.lifecycle().equals(Lifecycle.ofDefaults())) {
                writeLifecycle(g, entry.lifecycle());
            }
            if (!entry.traceContext().isEmpty()) {
                g.writeObjectFieldStart("trace");
                for (Map.Entry<String, String> field : entry.traceContext().entrySet()) {
                    g.writeStringField(field.getKey(), field.getValue());
                }
                g.writeEndObject();
            }
            if (codecName != null) {
                g.writeStringField(PAYLOAD_CODEC, codecName);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Writes a field only when it has a value: an absent field reads as null. */
    private static void writeOptional(JsonGenerator g, String field, @Nullable String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static void writeLifecycle(JsonGenerator g, Lifecycle l) throws IOException {
        g.writeObjectFieldStart("lifecycle");
        g.writeNumberField("maxAttempts", l.maxAttempts());
        g.writeStringField("initialDelay", l.initialDelay().toString());
        g.writeStringField("backoff", l.backoff().name());
        g.writeStringField("backoffBase", l.backoffBase().toString());
        g.writeNumberField("backoffMultiplier", l.backoffMultiplier());
        g.writeStringField("backoffCap", l.backoffCap().toString());
        g.writeBooleanField("jitter", l.jitter());
        g.writeStringField("ttl", l.ttl().map(Duration::toString).orElse(null));
        g.writeStringField("priority", l.priority().name());
        g.writeEndObject();
    }

    /** CRC32C of {@code header} then {@code value}, as the 4 bytes of {@value #CRC_HEADER}. */
    static byte[] checksum(byte[] header, byte @Nullable [] value) {
        return ByteBuffer.allocate(4).putInt((int) crc(header, value)).array();
    }

    static long crc(byte[] header, byte @Nullable [] value) {
        CRC32C crc = new CRC32C();
        crc.update(header);
        if (value != null) {
            crc.update(value);
        }
        return crc.getValue();
    }

    /**
     * The entry a record holds.
     *
     * @param where    names the record (topic, partition, offset) in error messages
     * @param payloads how the value becomes the entry's payload
     * @throws CorruptRecordException if a header is missing, the checksum does not match, or the
     *                                fields are not an entry
     * @throws WalPayloadException    if the value is stored encoded and {@code payloads} cannot decode it
     */
    static WalEntry decode(byte @Nullable [] header, byte @Nullable [] storedCrc, byte @Nullable [] value,
                           String where, PayloadReading payloads) {
        return decode(header, storedCrc, value, where, payloads, WalEntry.UNASSIGNED);
    }

    /**
     * Decodes a record; {@code assignedSeq} above 0 is the seq a shared log gave the record as it
     * read it (its header carries none), else the header's seq is required.
     */
    static WalEntry decode(byte @Nullable [] header, byte @Nullable [] storedCrc, byte @Nullable [] value,
                           String where, PayloadReading payloads, long assignedSeq) {
        if (header == null || storedCrc == null || storedCrc.length != 4 || value == null) {
            throw new CorruptRecordException(where + " is not a wal4j entry: header " + ENTRY_HEADER
                    + (header == null ? " missing" : " present") + ", header " + CRC_HEADER
                    + (storedCrc == null ? " missing" : " of " + storedCrc.length + " bytes") + ", value "
                    + (value == null ? "null" : value.length + " bytes"));
        }
        long expected = ByteBuffer.wrap(storedCrc).getInt() & 0xffffffffL;
        long actual = crc(header, value);
        if (expected != actual) {
            throw new CorruptRecordException(String.format("%s: calculated checksum is %08X but the record's "
                    + "checksum is %08X", where, actual, expected));
        }
        try {
            JsonNode h = MAPPER.readTree(header);
            int version = h.path("v").asInt(-1);
            if (version != VERSION) {
                throw new CorruptRecordException(where + " has format version " + h.path("v")
                        + "; this wal4j reads version " + VERSION);
            }
            WalEntry.Builder b = WalEntry.builder(text(h, "namespace"), text(h, "operation"))
                    .id(text(h, "id")).createdAt(Instant.parse(text(h, "createdAt")))
                    .key(optionalText(h, "key")).alsoKeys(strings(h, "alsoKeys"))
                    .targets(strings(h, "targets")).idempotencyKey(optionalText(h, "idempotencyKey"))
                    .correlationId(optionalText(h, "correlationId")).tenantId(optionalText(h, "tenantId"))
                    .userId(optionalText(h, "userId"));
            long seq = assignedSeq > 0 ? assignedSeq : h.path("seq").asLong(0);
            if (assignedSeq > 0 && h.path("seq").asLong(0) != 0) {
                throw new CorruptRecordException(where + " carries seq " + h.path("seq") + ": it was written by a log "
                        + "with one writer (KafkaWalStorage), not by a shared log; open it with KafkaWalStorage.open");
            }
            if (seq < 1) {
                throw new CorruptRecordException(where + " has no valid seq: " + h.path("seq"));
            }
            String id = text(h, "id");
            String namespace = text(h, "namespace");
            b.payloadJson(payloads.payload(optionalText(h, PAYLOAD_CODEC), new String(value, StandardCharsets.UTF_8),
                    id, namespace, "entry seq " + seq + " (id " + id + ", namespace " + namespace + ") in the " + where));
            JsonNode lifecycle = h.get("lifecycle");
            if (lifecycle != null) {
                b.lifecycle(lifecycle(lifecycle));
            }
            JsonNode trace = h.get("trace");
            if (trace != null) {
                b.traceContext(stringFields(trace, "trace"));
            }
            return b.build().withSeq(seq);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptRecordException) {
                throw (CorruptRecordException) e;
            }
            if (e instanceof WalPayloadException) {
                throw (WalPayloadException) e;
            }
            throw new CorruptRecordException(where + " passes its checksum but is not a valid entry: " + e, e);
        }
    }

    /** The seq in a record's {@value #ENTRY_HEADER} header, without checking or decoding the rest; 0 if none. */
    static long seqOf(byte[] header) {
        try {
            return MAPPER.readTree(header).path("seq").asLong(0);
        } catch (IOException e) {
            return 0;
        }
    }

    private static Map<String, String> stringFields(JsonNode object, String field) {
        if (!object.isObject()) {
            throw new IllegalArgumentException(field + " is not an object: " + object);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : object.properties()) {
            if (!f.getValue().isTextual()) {
                throw new IllegalArgumentException(field + "." + f.getKey() + " is not a string: " + f.getValue());
            }
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }

    private static Lifecycle lifecycle(JsonNode l) {
        Lifecycle.Builder b = Lifecycle.builder().maxAttempts(l.path("maxAttempts").asInt())
                .initialDelay(Duration.parse(text(l, "initialDelay"))).backoff(Backoff.valueOf(text(l, "backoff")))
                .backoffBase(Duration.parse(text(l, "backoffBase")))
                .backoffMultiplier(l.path("backoffMultiplier").asDouble())
                .backoffCap(Duration.parse(text(l, "backoffCap"))).jitter(l.path("jitter").asBoolean())
                .priority(Priority.valueOf(text(l, "priority")));
        String ttl = optionalText(l, "ttl");
        return b.ttl(ttl == null ? null : Duration.parse(ttl)).build();
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    static @Nullable String optionalText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : text(node, field);
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : node.path(field)) {
            out.add(v.asText());
        }
        return out;
    }
}
