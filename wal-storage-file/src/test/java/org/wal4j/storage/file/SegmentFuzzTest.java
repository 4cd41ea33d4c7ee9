package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.CorruptionPolicy;
import org.wal4j.EntryStatus;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.spi.StatusRecord;
import org.wal4j.storage.file.LineMutations.Kind;
import org.wal4j.storage.file.LineOracle.Outcome;
import org.wal4j.storage.file.LineOracle.Sample;
import org.wal4j.testing.TestEntries;
import org.wal4j.testing.WalStorageContract;

/**
 * RELIABILITY row 10, through a full open: a line of a small log is replaced by a mutated one
 * ({@link LineMutations}) in the middle or at the header of a closed segment, or as the tail of the
 * last segment (appended after the last line, or in place of it), and the log is opened under
 * {@code FAIL} and {@code QUARANTINE}. Only the documented outcomes may occur:
 * <ul>
 *   <li>damage (a piece that is not a whole checksum-valid line) inside a closed segment:
 *       {@code FAIL} refuses with {@link WalCorruptionException} naming the segment and the line's
 *       offset; {@code QUARANTINE} opens, sets exactly that line aside and keeps every other entry;</li>
 *   <li>damage as the tail of the last segment: cut as a torn tail (one cut at the line's offset of
 *       exactly its bytes), every other entry kept, appends and a clean reopen work;</li>
 *   <li>a checksum-valid line (checksum recomputed over damaged JSON): the open either refuses with
 *       {@link WalCorruptionException} or succeeds, and every other entry reads back as written.</li>
 * </ul>
 * No other exception may escape an open or a read.
 */
class SegmentFuzzTest {
    /** Logs with one mutated line, each opened once or twice: 500 by default, 10,000 under -Pstress. */
    private static final int CASES = LineFuzzTest.STRESS ? 10_000 : 500;
    private static final Set<Outcome> CHECKSUM_VALID = EnumSet.of(Outcome.MALFORMED, Outcome.UNREADABLE_ENTRY,
            Outcome.BAD_FIELD_VALUE, Outcome.READ_BACK_AS_WRITTEN, Outcome.ACCEPTED_WITH_RECOMPUTED_CHECKSUM);

    private enum Position { MIDDLE, HEADER, TAIL_APPENDED, TAIL_REPLACED }

    @TempDir
    Path root;

    private Path dir;
    private final Map<String, byte[]> template = new LinkedHashMap<>();
    /** The template log's MANIFEST, installed beside its segments. */
    private byte[] manifest;
    private final TreeMap<Long, WalEntry> written = new TreeMap<>();
    private final LineOracle oracle = new LineOracle(LogReader.maxLine());
    private final LineScanner scanner = new LineScanner();

    private FileStorageConfig config(CorruptionPolicy policy) {
        return FileStorageConfig.builder(dir).segmentBytes(2048).corruptionPolicy(policy)
                .fileSystem(new NoSyncFileSystem()).build();
    }

    /** 30 entries (some with every field set), status records and a checkpoint over several segments. */
    private void writeTemplate() throws IOException {
        dir = root.resolve("template");
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            for (int i = 1; i <= 30; i++) {
                WalEntry e = i % 4 == 0 ? TestEntries.full(i) : i % 3 == 0 ? TestEntries.entry(i, "primary", "replica")
                        : TestEntries.entry(i);
                written.put(log.append(e), e.withSeq(i));
                if (i == 12) {
                    log.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, WalStorageContract.AT),
                            new StatusRecord(2, "primary", EntryStatus.RETRYING, 2, WalStorageContract.AT, "timeout ü")));
                }
                if (i == 20) {
                    log.saveCheckpoint("primary", 1).join();
                }
            }
        }
        for (Path p : Logs.segments(dir)) {
            template.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        assertTrue(template.size() >= 4, "segments: " + template.keySet());
        manifest = Files.readAllBytes(Manifest.path(dir));
        dir = root.resolve("fuzzed");
    }

    @Test
    void mutatedLines_onOpen_areCorruptionQuarantineOrATornTailCut() throws IOException {
        writeTemplate();
        Random random = new Random(LineFuzzTest.SEED);
        List<String> names = new ArrayList<>(template.keySet());
        Map<String, Integer> tally = new TreeMap<>();
        long started = System.nanoTime();
        for (int c = 0; c < CASES; c++) {
            Position position = Position.values()[random.nextInt(Position.values().length)];
            String segment = position == Position.MIDDLE || position == Position.HEADER
                    ? names.get(random.nextInt(names.size() - 1)) : names.get(names.size() - 1);
            byte[] content = template.get(segment);
            List<Integer> starts = Logs.lineStarts(content);
            if (position == Position.MIDDLE && starts.size() < 3) {
                position = Position.HEADER;
            }
            int line;
            Sample sample;
            switch (position) {
                case HEADER:
                    line = 0;
                    break;
                case MIDDLE:
                    line = 1 + random.nextInt(starts.size() - 2); // never the last line: good lines follow
                    break;
                case TAIL_REPLACED:
                    line = starts.size() - 1;
                    break;
                default:
                    line = starts.size();
                    break;
            }
            int lineStart = line < starts.size() ? starts.get(line) : content.length;
            int lineEnd = line + 1 < starts.size() ? starts.get(line + 1) : content.length;
            if (position == Position.TAIL_APPENDED) {
                long next = written.lastKey() + 1;
                sample = LineOracle.entryLine("next entry", next, TestEntries.full((int) next));
            } else {
                sample = sampleOf(Arrays.copyOfRange(content, lineStart, lineEnd));
            }
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            if (kind == Kind.HUGE_PAYLOAD && random.nextInt(20) != 0) {
                kind = Kind.BIT_FLIP;
            }
            byte[] mutated = LineMutations.mutate(sample.line(), kind, random);
            if (mutated.length == 0) {
                continue; // the line is gone rather than damaged: a removed line is not detectable by itself
            }
            List<Outcome> pieces = oracle.read(mutated, sample, kind.checksumRecomputed());
            String where = position + " line " + line + " of " + segment + " at " + lineStart + ", " + kind + ": "
                    + LineOracle.show(mutated);
            byte[] damaged = splice(content, lineStart, lineEnd, mutated);
            // without a line end of its own, the damaged line runs into the next one: that line is damaged too
            Set<Long> touched = new HashSet<>();
            if (sample.entry() != null) {
                touched.add(sample.entry().seq());
            }
            byte lastByte = mutated[mutated.length - 1];
            if (lastByte != '\n' && lastByte != 0 && lineEnd < content.length) {
                Sample next = sampleOf(Arrays.copyOfRange(content, lineEnd, line + 2 < starts.size()
                        ? starts.get(line + 2) : content.length));
                if (next.entry() != null) {
                    touched.add(next.entry().seq());
                }
            }
            String outcome = openAndCheck(position, segment, lineStart, touched, mutated, pieces, damaged,
                    c % 10 == 0, where);
            tally.merge(position + " " + outcome, 1, Integer::sum);
        }
        System.out.printf("SegmentFuzzTest (seed %d): %,d opens of a log with one mutated line in %d ms: %s%n",
                LineFuzzTest.SEED, CASES, (System.nanoTime() - started) / 1_000_000, tally);
        for (String expected : new String[] {"MIDDLE refused, quarantined", "HEADER refused, quarantined",
            "TAIL_APPENDED torn tail cut", "TAIL_REPLACED torn tail cut"}) {
            assertTrue(tally.containsKey(expected), "reached '" + expected + "': " + tally);
        }
    }

    /** The written line {@code line} with the entry it holds, if it is an entry line. */
    private Sample sampleOf(byte[] line) {
        WalEntry entry = null;
        if (scanner.checksumOk(line, 0, line.length - 1)) {
            scanner.parse();
            if (scanner.type == LineScanner.ENTRY) {
                entry = written.get(scanner.seq);
            }
        }
        return new Sample("written line", line, entry);
    }

    private String openAndCheck(Position position, String segment, int lineStart, Set<Long> touched, byte[] mutated,
                                List<Outcome> pieces, byte[] damaged, boolean thorough, String where) {
        boolean anyDamage = pieces.stream().anyMatch(o -> !CHECKSUM_VALID.contains(o));
        boolean firstDamaged = !CHECKSUM_VALID.contains(pieces.get(0));
        boolean unchanged = pieces.equals(List.of(Outcome.READ_BACK_AS_WRITTEN));
        Path file = dir.resolve(segment);
        boolean tail = position == Position.TAIL_APPENDED || position == Position.TAIL_REPLACED;

        install(segment, damaged);
        String result;
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            if (!tail && anyDamage) {
                fail(where + ": FAIL opened a log with damage inside a closed segment");
            }
            RecoveryReport report = log.recoveryReport();
            if (tail && !CHECKSUM_VALID.stream().anyMatch(pieces::contains)) {
                assertEquals(1, report.cuts().size(), where + ": " + report);
                RecoveryReport.Cut cut = report.cuts().get(0);
                assertEquals(file, cut.file(), where);
                assertEquals(lineStart, cut.offset(), where);
                assertEquals(mutated.length, cut.bytes(), where);
                assertTrue(cut.reason().startsWith("torn tail: "), where + ": " + cut.reason());
                result = "torn tail cut";
            } else {
                assertTrue(!unchanged || report.clean(), where + ": " + report);
                result = unchanged ? "unchanged" : "opened";
            }
            checkEntries(log, touched, false, where);
            if (thorough && result.equals("torn tail cut")) {
                long next = log.append(TestEntries.entry(1000));
                assertEquals(log.lastSeq(), next, where);
            }
        } catch (WalCorruptionException e) {
            assertTrue(!unchanged, where + ": an unchanged log was refused: " + e);
            if (e.offset() < 0) {
                // checksum-valid lines of another length in a closed segment: no line is damaged, the
                // file set is (its length is not the one the manifest lists)
                assertEquals(file, e.file(), where);
                assertTrue(!tail && !anyDamage && e.getMessage().startsWith("Log file set damaged at " + file + ": "),
                        where + ": " + e.getMessage());
                return "refused: file set, " + openQuarantineChangedLength(segment, damaged, where);
            }
            if (firstDamaged && !tail) {
                assertEquals(file, e.file(), where);
                assertEquals(lineStart, e.offset(), where);
            }
            assertTrue(e.file().getFileName().toString().compareTo(segment) >= 0 && e.offset() >= 0, where + ": " + e);
            assertTrue(e.getMessage().startsWith("Corrupt record in " + e.file() + " at offset " + e.offset() + ": "),
                    where + ": " + e.getMessage());
            result = "refused";
        } catch (RuntimeException | Error e) {
            throw new AssertionError(where + ": undocumented outcome of an open under FAIL: " + e, e);
        }
        if (result.equals("refused") || (thorough && !tail)) {
            result += ", " + openQuarantine(position, segment, lineStart, touched, anyDamage, firstDamaged, damaged,
                    where);
        }
        if (thorough) {
            reopenClean(where);
        }
        return result;
    }

    /** QUARANTINE keeps a closed segment of another length or creation time than listed, and reports it. */
    private String openQuarantineChangedLength(String segment, byte[] damaged, String where) {
        install(segment, damaged);
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.QUARANTINE))) {
            RecoveryReport report = log.recoveryReport();
            assertEquals(1, report.fileSetProblems().size(), where + ": " + report);
            assertTrue(report.fileSetProblems().get(0).startsWith(segment + ": "), where + ": " + report);
            assertTrue(report.quarantined().isEmpty(), where + ": " + report);
        }
        return "kept and reported";
    }

    private String openQuarantine(Position position, String segment, int lineStart, Set<Long> touched,
                                  boolean anyDamage, boolean firstDamaged, byte[] damaged, String where) {
        install(segment, damaged);
        boolean tail = position == Position.TAIL_APPENDED || position == Position.TAIL_REPLACED;
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.QUARANTINE))) {
            RecoveryReport report = log.recoveryReport();
            if (!tail && anyDamage && firstDamaged) {
                assertTrue(!report.quarantined().isEmpty(), where + ": " + report);
                RecoveryReport.Quarantined q = report.quarantined().get(0);
                assertEquals(dir.resolve(segment), q.file(), where);
                assertEquals(lineStart, q.offset(), where);
                checkEntries(log, touched, false, where);
            } else {
                checkEntries(log, touched, true, where);
            }
            return report.quarantined().isEmpty() ? "opened" : "quarantined";
        } catch (RuntimeException | Error e) {
            throw new AssertionError(where + ": undocumented outcome of an open under QUARANTINE: " + e, e);
        }
    }

    /**
     * Every written entry other than those of the damaged lines ({@code touched}) reads back as
     * written; if {@code lenient}, entries after a damaged line may be gone too (a checksum-valid
     * line out of order makes the lines after it corruption). The entries of damaged lines, if
     * present, are read without a stray exception; a scan meets no exception but
     * {@link WalCorruptionException}.
     */
    private void checkEntries(FileWalStorage log, Set<Long> touched, boolean lenient, String where) {
        for (WalEntry e : written.values()) {
            if (touched.contains(e.seq())) {
                try {
                    log.read(e.seq());
                } catch (WalCorruptionException ignored) {
                    // a checksum-valid line the scanner indexed but the decoder refuses
                }
                continue;
            }
            Optional<WalEntry> back = log.read(e.seq());
            if (!(lenient && back.isEmpty())) {
                assertEquals(Optional.of(e), back, where + ": entry " + e.seq());
            }
        }
        try (Stream<WalEntry> all = log.scan(1)) {
            all.forEach(e -> assertTrue(e.seq() >= 1 && e.seq() <= log.lastSeq(), where));
        } catch (WalCorruptionException ignored) {
            // documented for a line that passed recovery's checks but cannot be decoded
        }
    }

    private void reopenClean(String where) {
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            assertTrue(log.recoveryReport().clean(), where + ": second open " + log.recoveryReport());
        } catch (RuntimeException e) {
            throw new AssertionError(where + ": second open: " + e, e);
        }
    }

    /** Puts the template log in {@link #dir}, with {@code segment} replaced by {@code content}. */
    private void install(String segment, byte[] content) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.delete(p);
                    }
                }
            } else {
                Files.createDirectories(dir);
            }
            for (Map.Entry<String, byte[]> e : template.entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getKey().equals(segment) ? content : e.getValue());
            }
            Files.write(Manifest.path(dir), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] splice(byte[] content, int from, int to, byte[] replacement) {
        byte[] out = new byte[content.length - (to - from) + replacement.length];
        System.arraycopy(content, 0, out, 0, from);
        System.arraycopy(replacement, 0, out, from, replacement.length);
        System.arraycopy(content, to, out, from + replacement.length, content.length - to);
        return out;
    }
}
