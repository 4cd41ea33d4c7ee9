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
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.spi.StatusRecord;

/**
 * The records of the compacted companion topic ({@code <topic>.status}): what a log knows besides
 * its entries, keyed so that Kafka's compaction keeps exactly what a reader needs, the last record
 * per key.
 *
 * <pre>
 * key                        value (UTF-8 JSON; header wal4j.crc32c = CRC32C of the value)   partition
 * status/&lt;seq&gt;/&lt;target&gt;     {"seq":17,"target":"primary","status":"DEAD","attempts":3,       the entry's
 *                              "at":"2026-…Z","reason":"constraint violated"}                 log partition
 * checkpoint/&lt;target&gt;        {"target":"primary","seq":12}                                   0
 * dropped/&lt;seq&gt;              {"seq":17}  the entry was compacted away                       the entry's
 * seq-floor                  {"seq":40}  no seq at or below was ever unassigned               0
 * group/&lt;group&gt;            {"group":"orders-service","instance":"…","at":"2026-…Z"}        0
 *                            a shared log's consumer group (the first such record wins)
 * </pre>
 *
 * A status record's key makes the last record for an (entry, target) pair win, the rule of
 * {@link StatusRecord}; records of one key share a partition, so their order is the order written.
 * When an entry is compacted away, its status keys are deleted with tombstones (null values) and a
 * {@code dropped} record keeps it out of every reader; the {@code seq-floor} record keeps a reopened
 * log from reissuing a seq whose record Kafka has deleted.
 *
 * <p>Thread-safe: stateless.
 */
final class CompanionCodec {
    /** What a companion record says. */
    sealed interface Fact permits Status, Checkpoint, Dropped, SeqFloor, Group, Tombstone {
    }

    /** A status change. */
    record Status(StatusRecord record) implements Fact {
    }

    /** A target's checkpoint. */
    record Checkpoint(String target, long seq) implements Fact {
    }

    /** An entry compacted away. */
    record Dropped(long seq) implements Fact {
    }

    /** Every seq at or below {@code seq} was assigned. */
    record SeqFloor(long seq) implements Fact {
    }

    /** The consumer group whose instances share the log, as one of them recorded it. */
    record Group(String group) implements Fact {
    }

    /** A deleted key (compaction removes it in time). */
    record Tombstone(String key) implements Fact {
    }

    static final String SEQ_FLOOR_KEY = "seq-floor";
    static final String GROUP_PREFIX = "group/";

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CompanionCodec() {
    }

    static String statusKey(long seq, String target) {
        return "status/" + seq + "/" + target;
    }

    static String checkpointKey(String target) {
        return "checkpoint/" + target;
    }

    static String droppedKey(long seq) {
        return "dropped/" + seq;
    }

    static byte[] status(StatusRecord r) {
        return json(g -> {
            g.writeNumberField("seq", r.seq());
            g.writeStringField("target", r.target());
            g.writeStringField("status", r.status().name());
            g.writeNumberField("attempts", r.attempts());
            g.writeStringField("at", r.at().toString());
            g.writeStringField("reason", r.reason());
        });
    }

    static byte[] checkpoint(String target, long seq) {
        return json(g -> {
            g.writeStringField("target", target);
            g.writeNumberField("seq", seq);
        });
    }

    static byte[] group(String group, String instance, Instant at) {
        return json(g -> {
            g.writeStringField("group", group);
            g.writeStringField("instance", instance);
            g.writeStringField("at", at.toString());
        });
    }

    static byte[] seqOnly(long seq) {
        return json(g -> g.writeNumberField("seq", seq));
    }

    static byte[] checksum(byte[] value) {
        return ByteBuffer.allocate(4).putInt((int) EntryCodec.crc(new byte[0], value)).array();
    }

    /**
     * What a companion record says.
     *
     * @param where names the record (topic, partition, offset) in error messages
     * @throws CorruptRecordException for a checksum that does not match or a key or value wal4j did not write
     */
    static Fact decode(byte @Nullable [] keyBytes, byte @Nullable [] value, byte @Nullable [] storedCrc,
                       String where) {
        if (keyBytes == null) {
            throw new CorruptRecordException(where + " has no key; wal4j writes every companion record with one");
        }
        String key = new String(keyBytes, StandardCharsets.UTF_8);
        if (value == null) {
            return new Tombstone(key);
        }
        if (storedCrc == null || storedCrc.length != 4) {
            throw new CorruptRecordException(where + " (key '" + key + "') has no 4-byte " + EntryCodec.CRC_HEADER
                    + " header");
        }
        long expected = ByteBuffer.wrap(storedCrc).getInt() & 0xffffffffL;
        long actual = EntryCodec.crc(new byte[0], value);
        if (expected != actual) {
            throw new CorruptRecordException(String.format("%s (key '%s'): calculated checksum is %08X but the "
                    + "record's checksum is %08X", where, key, actual, expected));
        }
        try {
            JsonNode v = MAPPER.readTree(value);
            if (key.startsWith("status/")) {
                return new Status(new StatusRecord(v.path("seq").asLong(), EntryCodec.text(v, "target"),
                        EntryStatus.valueOf(EntryCodec.text(v, "status")), v.path("attempts").asInt(),
                        Instant.parse(EntryCodec.text(v, "at")), EntryCodec.optionalText(v, "reason")));
            } else if (key.startsWith("checkpoint/")) {
                return new Checkpoint(EntryCodec.text(v, "target"), v.path("seq").asLong());
            } else if (key.startsWith("dropped/")) {
                return new Dropped(v.path("seq").asLong());
            } else if (key.equals(SEQ_FLOOR_KEY)) {
                return new SeqFloor(v.path("seq").asLong());
            } else if (key.startsWith(GROUP_PREFIX)) {
                String group = EntryCodec.text(v, "group");
                if (!key.equals(GROUP_PREFIX + group)) {
                    throw new IllegalArgumentException("its value names group '" + group + "'");
                }
                return new Group(group);
            }
        } catch (IOException | RuntimeException e) {
            throw new CorruptRecordException(where + " (key '" + key + "') passes its checksum but is not a "
                    + "valid record: " + e, e);
        }
        throw new CorruptRecordException(where + " has the key '" + key + "', which wal4j does not write");
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
