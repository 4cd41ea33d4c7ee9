package org.wal4j.storage.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A shared log's checkpoints per partition, by offset, as one seq of a reader's numbering. */
class SeqCheckpointTest {
    /** Partition 0 holds seqs 1, 3, 5 at offsets 0, 1, 2; partition 1 holds seqs 2, 4 at offsets 0, 1. */
    private static final Map<Integer, NavigableMap<Long, Long>> SEQ_AT = Map.of(
            0, new TreeMap<>(Map.of(0L, 1L, 1L, 3L, 2L, 5L)),
            1, new TreeMap<>(Map.of(0L, 2L, 1L, 4L)));

    @Test
    void theCheckpoint_isOneBelowTheFirstEntryPastItsPartitionsCheckpoint() {
        assertEquals(3, LogLoader.seqCheckpoint(Map.of(0, 1L, 1, 0L), SEQ_AT, 5), "seq 4 is past partition 1's");
        assertEquals(4, LogLoader.seqCheckpoint(Map.of(0, 1L, 1, 1L), SEQ_AT, 5), "seq 5 is past partition 0's");
        assertEquals(5, LogLoader.seqCheckpoint(Map.of(0, 2L, 1, 1L), SEQ_AT, 5), "everything finished");
    }

    @Test
    void aPartitionWithoutACheckpoint_holdsItBelowItsFirstEntry() {
        assertEquals(1, LogLoader.seqCheckpoint(Map.of(0, 2L), SEQ_AT, 5));
        assertEquals(0, LogLoader.seqCheckpoint(Map.of(1, 1L), SEQ_AT, 5));
    }

    @Test
    void aLogHoldingNothing_isFinishedUpToItsLastSeq() {
        assertEquals(9, LogLoader.seqCheckpoint(Map.of(0, 4L), Map.of(), 9));
    }
}
