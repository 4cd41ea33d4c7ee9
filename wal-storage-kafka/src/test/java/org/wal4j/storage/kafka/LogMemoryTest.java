package org.wal4j.storage.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.LatencyHistogram;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageState;
import org.wal4j.spi.StorageStats;
import org.wal4j.testing.TestEntries;

/**
 * What both Kafka logs keep in memory, without a cluster: every entry here is unacknowledged, so
 * reads are answered from memory and the reader's consumer (pointed at no broker) is never asked.
 */
class LogMemoryTest {
    private static final Instant AT = Instant.parse("2026-02-01T00:00:00Z");

    private RecordReader reader;
    private LogMemory memory;

    @BeforeEach
    void holdThreeEntries() {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        reader = new RecordReader(consumer, "t", Duration.ofSeconds(1), PayloadReading.asStored(), 0);
        memory = new LogMemory("Kafka log 't'", reader, new TreeMap<>(), new StatusIndex(), 0);
        for (int i = 1; i <= 3; i++) {
            WalEntry entry = TestEntries.entry(i).withSeq(i);
            memory.hold(i, new Held(0, -1, entry.createdAt(), entry.targets(), 100 * i, entry));
        }
    }

    @AfterEach
    void closeReader() {
        reader.close();
    }

    @Test
    void read_answersUnacknowledgedEntriesFromMemory_inSeqOrder_upToTheLimit() {
        assertEquals(List.of(1L, 2L), WalStorageSeqs.of(memory.read(1, 3, 2)));
        assertEquals(Optional.of(2L), memory.read(2).map(WalEntry::seq));
        assertEquals(Optional.empty(), memory.read(4));
        assertEquals(List.of(2L, 3L), memory.scan(2).map(WalEntry::seq).collect(Collectors.toList()));
        assertEquals(List.of(), memory.read(3, 2, 10));
        assertEquals(3, memory.lastSeq());
        assertEquals(600, stats().bytes());
    }

    @Test
    void read_onceClosed_isRefusedNamingTheLog_butAnEmptyRangeIsNot() {
        assertTrue(memory.close());
        assertFalse(memory.close(), "closing twice");
        WalUnavailableException e = assertThrows(WalUnavailableException.class, () -> memory.read(1, 3, 10));
        assertEquals("The Kafka log 't' is closed", e.getMessage());
        assertEquals(List.of(), memory.read(3, 1, 10));
        assertEquals("The Kafka log 't' is closed",
                assertThrows(WalUnavailableException.class, memory::checkWritable).getMessage());
        assertEquals(StorageState.CLOSED, stats().state());
    }

    @Test
    void applyStatuses_checksEveryRecordBeforeApplyingAny() {
        List<StatusRecord> records = List.of(status(1, "primary", EntryStatus.DEAD),
                status(2, "replica", EntryStatus.APPLIED));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> memory.applyStatuses(records, (record, lastSeq) -> { }));
        assertEquals("entry 2 does not name target 'replica'; it names [primary]", e.getMessage());
        assertEquals(Optional.of(EntryStatus.PENDING), memory.status(1, "primary"), "nothing applied");
        assertEquals(List.of(), memory.deadLetters(null, 0, 10));
    }

    @Test
    void applyStatuses_givesTheSeqCheckTheLastSeq() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> memory.applyStatuses(List.of(status(4, "primary", EntryStatus.APPLIED)), (record, lastSeq) -> {
                    throw new IllegalArgumentException("seq " + record.seq() + " after " + lastSeq);
                }));
        assertEquals("seq 4 after 3", e.getMessage());
    }

    @Test
    void applyStatuses_leavesOutAnEntryDropped_andAppliesTheRest() {
        assertEquals(100, Objects.requireNonNull(memory.drop(1)).bytes());
        assertNull(memory.drop(1), "dropped once");
        List<LogMemory.Applied> applied = memory.applyStatuses(List.of(status(1, "primary", EntryStatus.APPLIED),
                status(2, "primary", EntryStatus.DEAD)), (record, lastSeq) -> { });
        assertEquals(List.of(2L), applied.stream().map(a -> a.record().seq()).collect(Collectors.toList()));
        assertEquals(List.of(2L), WalStorageSeqs.ofTracked(memory.deadLetters(null, 0, 10)));
        assertEquals("boom", memory.deadLetters("primary", 0, 10).get(0).reason());
        assertEquals(List.of(3L), WalStorageSeqs.ofTracked(memory.unfinished("primary", 0, 10)));
        assertEquals(Optional.empty(), memory.status(1, "primary"), "an entry dropped has no status");
        assertEquals(Optional.empty(), memory.status(2, "replica"), "a target the entry does not name");
        assertEquals(2, stats().entries());
        assertEquals(500, stats().bytes());
    }

    @Test
    void poison_refusesWritesWithTheFirstCause_untilClosed() {
        WalUnavailableException failed = memory.poison(new IOException("first"), "entry 3", Duration.ofSeconds(1));
        assertEquals("entry 3 within the delivery timeout of PT1S: java.io.IOException: first. The append is not "
                + "acknowledged (its records may or may not be in the log); the log refuses writes until it is "
                + "reopened", failed.getMessage());
        memory.poison(new IOException("second"), "entry 4", Duration.ofSeconds(1));
        WalUnavailableException refused = assertThrows(WalUnavailableException.class, memory::checkWritable);
        assertEquals("The Kafka log 't' refuses writes since an earlier failure, until it is reopened: "
                + "java.io.IOException: first", refused.getMessage());
        assertEquals(StorageState.POISONED, stats().state());
        assertEquals(2, memory.read(2, 2, 1).get(0).seq(), "a poisoned log still reads");
        memory.close();
        memory.poison(new IOException("third"), "entry 5", Duration.ofSeconds(1));
        assertEquals(StorageState.CLOSED, stats().state());
    }

    @Test
    void checkCheckpoint_acceptsZeroToTheLastSeq() {
        memory.checkCheckpoint("primary", 0);
        memory.checkCheckpoint("primary", 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> memory.checkCheckpoint("primary", 4));
        assertEquals("checkpoint for 'primary' must be between 0 and the last seq 3 but was 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> memory.checkCheckpoint("primary", -1));
    }

    private StorageStats stats() {
        return memory.stats(3, Map.of(), 0, new LatencyHistogram());
    }

    private static StatusRecord status(long seq, String target, EntryStatus status) {
        return new StatusRecord(seq, target, status, 1, AT, status == EntryStatus.DEAD ? "boom" : null);
    }
}
