package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.storage.file.LineMutations.Kind;
import org.wal4j.storage.file.LineOracle.Outcome;
import org.wal4j.storage.file.LineOracle.Sample;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY row 10, at the line level: every kind of line the writer writes, damaged by every
 * {@link LineMutations.Kind} (bit flips, truncation, inserted and deleted bytes, bytes that are
 * not UTF-8, wrong checksums, checksums recomputed over damaged JSON, missing, reordered and
 * repeated fields, wrong and nested junk values, lines over the entry size limit), and read as the
 * log reads a segment. {@link LineOracle} checks that only documented outcomes occur. Lines longer
 * than the longest readable line are checked through a full open.
 */
class LineFuzzTest {
    static final boolean STRESS = Boolean.getBoolean("wal4j.stress");
    /** Mutated lines read: 10^5 by default, 1.2 * 10^6 under -Pstress. */
    private static final int LINES = STRESS ? 1_200_000 : 100_000;
    /** Fixed by default; a new one per stress run. Printed; pass -Dwal4j.fuzz.seed=N to repeat a run. */
    static final long SEED = Long.getLong("wal4j.fuzz.seed", STRESS ? System.nanoTime() : 20260201L);

    @TempDir
    Path dir;

    @Test
    void mutatedLines_giveOnlyTheDocumentedOutcomes() {
        List<Sample> samples = LineOracle.samples();
        for (Sample sample : samples) {
            assertArrayEquals(sample.line(), LineMutations.rebuilt(sample.line()), "field splitting of " + sample.name());
        }
        LineOracle oracle = new LineOracle(LogReader.maxLine());
        Random random = new Random(SEED);
        Kind[] kinds = Kind.values();
        Map<Kind, Integer> byKind = new EnumMap<>(Kind.class);
        Map<Outcome, Integer> byOutcome = new EnumMap<>(Outcome.class);
        long started = System.nanoTime();
        for (int i = 0; i < LINES; i++) {
            Sample sample = samples.get(random.nextInt(samples.size()));
            // a line of 1-1.5 MiB is costly: one in 2,000
            Kind kind = kinds[random.nextInt(kinds.length)];
            if (kind == Kind.HUGE_PAYLOAD && random.nextInt(100) != 0) {
                kind = Kind.RANDOM_LINE;
            }
            byte[] mutated = LineMutations.mutate(sample.line(), kind, random);
            for (Outcome outcome : oracle.read(mutated, sample, kind.checksumRecomputed())) {
                byOutcome.merge(outcome, 1, Integer::sum);
            }
            byKind.merge(kind, 1, Integer::sum);
        }
        // the unchanged lines read back as written
        for (Sample sample : samples) {
            assertEquals(List.of(Outcome.READ_BACK_AS_WRITTEN), oracle.read(sample.line(), sample, false), sample.name());
        }
        System.out.printf("LineFuzzTest (seed %d): %,d mutated lines read in %d ms, %d CRC32C collisions; by mutation "
                + "%s; outcomes of the pieces read %s%n", SEED, LINES, (System.nanoTime() - started) / 1_000_000,
                oracle.collisions, byKind, byOutcome);
        assertEquals(kinds.length, byKind.size(), "every mutation ran: " + byKind);
        assertEquals(Outcome.values().length, byOutcome.size(), "every outcome was reached: " + byOutcome);
    }

    /**
     * A line longer than {@link LogReader#maxLine()} is skipped without being buffered: as the tail
     * of the last segment it is cut as a torn tail; inside a closed segment it is corruption.
     */
    @Test
    void linesLongerThanTheLongestReadableLine_areCutAsTornTailOrReportedAsCorruption() throws IOException {
        FileStorageConfig config = FileStorageConfig.builder(dir).segmentBytes(4096).fileSystem(new NoSyncFileSystem())
                .build();
        try (FileWalStorage log = FileWalStorage.open(config)) {
            for (int i = 1; i <= 20; i++) {
                log.append(TestEntries.entry(i));
            }
        }
        List<Path> segments = Logs.segments(dir);
        Path last = segments.get(segments.size() - 1);
        long lastLength = Files.size(last);
        long huge = LogReader.maxLine() + 100L;
        appendHugeLine(last, huge, true);
        try (FileWalStorage log = FileWalStorage.open(config)) {
            assertEquals(List.of(new RecoveryReport.Cut(last, lastLength, huge + 1,
                    "torn tail: a line longer than " + LogReader.maxLine() + " bytes")), log.recoveryReport().cuts());
            assertEquals(20, log.lastSeq());
        }

        Path closed = segments.get(1);
        byte[] original = Logs.read(closed);
        int lineStart = Logs.lineStarts(original).get(1);
        Logs.write(closed, Arrays.copyOf(original, lineStart));
        appendHugeLine(closed, huge, true);
        try (OutputStream out = Files.newOutputStream(closed, StandardOpenOption.APPEND)) {
            out.write(original, lineStart, original.length - lineStart);
        }
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> FileWalStorage.open(config));
        assertEquals("Corrupt record in " + closed + " at offset " + lineStart + ": a line longer than "
                + LogReader.maxLine() + " bytes (" + (huge + 1) + " bytes of damage)", e.getMessage());
    }

    /** A checksum-valid entry over the configured entry limit (written under a larger one) reads back. */
    @Test
    void entryLineOverTheConfiguredLimit_readsBackAsWritten() {
        FileStorageConfig config = FileStorageConfig.builder(dir).maxEntryBytes(4 << 20).build();
        WalEntry big = TestEntries.sized(1, 3 << 20);
        try (FileWalStorage log = FileWalStorage.open(config)) {
            assertEquals(1, log.append(big));
        }
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(big.withSeq(1), log.read(1).orElseThrow());
        }
    }

    private static void appendHugeLine(Path file, long length, boolean newline) throws IOException {
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'a');
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            for (long left = length; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            if (newline) {
                out.write('\n');
            }
        }
    }
}
