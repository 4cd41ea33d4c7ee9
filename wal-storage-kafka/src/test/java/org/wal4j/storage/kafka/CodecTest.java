package org.wal4j.storage.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryStatus;
import org.wal4j.LaneId;
import org.wal4j.PayloadEncryption;
import org.wal4j.WalEntry;
import org.wal4j.WalPayloadException;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadContext;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusRecord;
import org.wal4j.testing.TestEntries;

/** The record formats of the log and companion topics, without a cluster. */
class CodecTest {
    private static final String WHERE = "record at topic 't' partition 1 offset 7";

    @Test
    void entry_roundTripsEveryField_andThePayloadByteForByte() {
        WalEntry full = TestEntries.full(3).withSeq(42);
        byte[] header = EntryCodec.header(full, null);
        byte[] value = EntryCodec.value(full, null);
        WalEntry back = EntryCodec.decode(header, EntryCodec.checksum(header, value), value, WHERE,
                PayloadReading.asStored());
        assertEquals(full, back);
        assertEquals(full.payload(), back.payload());
        assertEquals(full.lifecycle(), back.lifecycle());
        assertEquals(42, EntryCodec.seqOf(header));
        assertArrayEquals(ApplyPartitions.routingKey(LaneId.of(full)), EntryCodec.key(full));
    }

    @Test
    void entry_withDefaultLifecycleAndAlsoKeys_roundTrips() {
        WalEntry entry = WalEntry.builder("bank", "transfer").key("a").alsoKeys("b", "c").payloadJson("[1,2]")
                .targets("primary").build().withSeq(1);
        byte[] header = EntryCodec.header(entry, null);
        assertTrue(!new String(header, StandardCharsets.UTF_8).contains("lifecycle"));
        WalEntry back = EntryCodec.decode(header, EntryCodec.checksum(header, EntryCodec.value(entry, null)),
                EntryCodec.value(entry, null), WHERE, PayloadReading.asStored());
        assertEquals(entry, back);
    }

    /**
     * A header carries only what an entry has: no null field, no empty {@code alsoKeys}, no
     * idempotency key equal to the id, no seq on a shared log's record. Headers written with every
     * field (by earlier versions) read the same.
     */
    @Test
    void entry_header_leavesOutWhatTheEntryDoesNotHave_andAHeaderWithEveryFieldReadsTheSame() {
        WalEntry plain = WalEntry.builder("bank", "debit").key("a").payloadJson("{}").targets("primary")
                .id("0192b1f0-0000-7000-8000-000000000001").createdAt(Instant.parse("2026-01-01T00:00:00Z")).build();
        assertEquals("{\"v\":1,\"seq\":5,\"id\":\"0192b1f0-0000-7000-8000-000000000001\","
                + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"namespace\":\"bank\",\"key\":\"a\",\"operation\":\"debit\","
                + "\"targets\":[\"primary\"]}", new String(EntryCodec.header(plain.withSeq(5), null), StandardCharsets.UTF_8));
        byte[] shared = EntryCodec.header(plain, null);
        assertTrue(!new String(shared, StandardCharsets.UTF_8).contains("seq"), "a shared log's record carries no seq");
        byte[] value = EntryCodec.value(plain, null);
        assertEquals(plain.withSeq(9), EntryCodec.decode(shared, EntryCodec.checksum(shared, value), value, WHERE,
                PayloadReading.asStored(), 9));

        byte[] everyField = ("{\"v\":1,\"seq\":5,\"id\":\"0192b1f0-0000-7000-8000-000000000001\","
                + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"namespace\":\"bank\",\"key\":\"a\",\"alsoKeys\":[],"
                + "\"operation\":\"debit\",\"targets\":[\"primary\"],"
                + "\"idempotencyKey\":\"0192b1f0-0000-7000-8000-000000000001\",\"correlationId\":null,"
                + "\"tenantId\":null,\"userId\":null}").getBytes(StandardCharsets.UTF_8);
        assertEquals(plain.withSeq(5), EntryCodec.decode(everyField, EntryCodec.checksum(everyField, value), value,
                WHERE, PayloadReading.asStored()));
    }

    @Test
    void entry_withAFlippedByte_failsItsChecksum_namingTheRecord() {
        WalEntry entry = TestEntries.entry(1).withSeq(1);
        byte[] header = EntryCodec.header(entry, null);
        byte[] value = EntryCodec.value(entry, null);
        byte[] crc = EntryCodec.checksum(header, value);
        value[2] ^= 1;
        CorruptRecordException e = assertThrows(CorruptRecordException.class,
                () -> EntryCodec.decode(header, crc, value, WHERE, PayloadReading.asStored()));
        assertTrue(e.getMessage().matches("record at topic 't' partition 1 offset 7: calculated checksum is "
                + "[0-9A-F]{8} but the record's checksum is [0-9A-F]{8}"), e.getMessage());
    }

    @Test
    void entry_withoutItsHeaders_isNotAnEntry() {
        assertEquals(WHERE + " is not a wal4j entry: header wal4j.entry missing, header wal4j.crc32c missing, "
                + "value 2 bytes", assertThrows(CorruptRecordException.class,
                        () -> EntryCodec.decode(null, null, new byte[2], WHERE, PayloadReading.asStored())).getMessage());
    }

    @Test
    void entry_encodedByACodec_decodesWithIt_isShownAsStoredWithout_andRefusedByAnotherCodec() {
        PayloadCodec aes = PayloadEncryption.builder().currentKey("k1", new byte[16]).build();
        WalEntry entry = TestEntries.entry(1).withSeq(1);
        byte[] header = EntryCodec.header(entry, aes.name());
        byte[] value = EntryCodec.value(entry, aes);
        byte[] crc = EntryCodec.checksum(header, value);
        assertEquals(entry, EntryCodec.decode(header, crc, value, WHERE, PayloadReading.decoding(EntryCodec.PAYLOAD_KEYS, aes)));
        assertEquals(new String(value, StandardCharsets.UTF_8),
                EntryCodec.decode(header, crc, value, WHERE, PayloadReading.asStored()).payload());
        PayloadCodec other = new PayloadCodec() {
            @Override
            public String name() {
                return "rot13";
            }

            @Override
            public String encode(PayloadContext context, String payloadJson) {
                return payloadJson;
            }

            @Override
            public String decode(PayloadContext context, String storedJson) {
                return storedJson;
            }
        };
        WalPayloadException e = assertThrows(WalPayloadException.class,
                () -> EntryCodec.decode(header, crc, value, WHERE, PayloadReading.decoding(EntryCodec.PAYLOAD_KEYS, other)));
        assertEquals("entry seq 1 (id " + entry.id() + ", namespace " + entry.namespace() + ") in the " + WHERE
                + " holds a payload encoded by payload codec 'aes-gcm' with key id 'k1', but the log was opened with "
                + "payload codec 'rot13' only; give the payload keys (KafkaLogSettings.Builder.payloadCodec, or wal "
                + "--payload-key-file) to read it", e.getMessage());
    }

    @Test
    void entry_ofAnotherVersionOrWithoutSeq_isRefused() {
        byte[] v2 = "{\"v\":2,\"seq\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{}".getBytes(StandardCharsets.UTF_8);
        assertEquals(WHERE + " has format version 2; this wal4j reads version 1", assertThrows(
                CorruptRecordException.class, () -> EntryCodec.decode(v2, EntryCodec.checksum(v2, value), value,
                        WHERE, PayloadReading.asStored())).getMessage());
        WalEntry entry = TestEntries.entry(1).withSeq(1);
        byte[] noSeq = new String(EntryCodec.header(entry, null), StandardCharsets.UTF_8)
                .replace("\"seq\":1", "\"seq\":0").getBytes(StandardCharsets.UTF_8);
        assertEquals(WHERE + " has no valid seq: 0", assertThrows(CorruptRecordException.class,
                () -> EntryCodec.decode(noSeq, EntryCodec.checksum(noSeq, EntryCodec.value(entry, null)),
                        EntryCodec.value(entry, null), WHERE, PayloadReading.asStored())).getMessage());
        byte[] notJson = "{".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(CorruptRecordException.class, () -> EntryCodec.decode(notJson,
                EntryCodec.checksum(notJson, value), value, WHERE, PayloadReading.asStored())).getMessage()
                .startsWith(WHERE + " passes its checksum but is not a valid entry: "));
        assertEquals(0, EntryCodec.seqOf(notJson));
    }

    @Test
    void companion_roundTripsEachKindOfRecord() {
        StatusRecord dead = new StatusRecord(7, "primary", EntryStatus.DEAD, 3, Instant.parse("2026-02-01T00:00:00Z"),
                "constraint violated");
        assertEquals(new CompanionCodec.Status(dead), decode(CompanionCodec.statusKey(7, "primary"),
                CompanionCodec.status(dead)));
        assertEquals(new CompanionCodec.Checkpoint("primary", 5), decode(CompanionCodec.checkpointKey("primary"),
                CompanionCodec.checkpoint("primary", 5)));
        assertEquals(new CompanionCodec.Dropped(9), decode(CompanionCodec.droppedKey(9), CompanionCodec.seqOnly(9)));
        assertEquals(new CompanionCodec.SeqFloor(11), decode(CompanionCodec.SEQ_FLOOR_KEY, CompanionCodec.seqOnly(11)));
        assertEquals(new CompanionCodec.Tombstone("status/7/primary"),
                CompanionCodec.decode(bytes("status/7/primary"), null, null, WHERE));
    }

    @Test
    void companion_refusesWhatWal4jDoesNotWrite() {
        byte[] value = CompanionCodec.seqOnly(1);
        assertEquals(WHERE + " has the key 'other', which wal4j does not write",
                assertThrows(CorruptRecordException.class, () -> decode("other", value)).getMessage());
        assertEquals(WHERE + " has no key; wal4j writes every companion record with one", assertThrows(
                CorruptRecordException.class, () -> CompanionCodec.decode(null, value, null, WHERE)).getMessage());
        assertEquals(WHERE + " (key 'seq-floor') has no 4-byte wal4j.crc32c header", assertThrows(
                CorruptRecordException.class, () -> CompanionCodec.decode(bytes("seq-floor"), value, null, WHERE))
                .getMessage());
        byte[] crc = CompanionCodec.checksum(value);
        crc[0] ^= 1;
        assertTrue(assertThrows(CorruptRecordException.class, () -> CompanionCodec.decode(bytes("seq-floor"), value,
                crc, WHERE)).getMessage().contains("calculated checksum is"));
        byte[] bad = bytes("{\"seq\":1}");
        assertTrue(assertThrows(CorruptRecordException.class, () -> decode("status/1/primary", bad)).getMessage()
                .startsWith(WHERE + " (key 'status/1/primary') passes its checksum but is not a valid record: "));
    }

    private static CompanionCodec.Fact decode(String key, byte[] value) {
        return CompanionCodec.decode(bytes(key), value, CompanionCodec.checksum(value), WHERE);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
