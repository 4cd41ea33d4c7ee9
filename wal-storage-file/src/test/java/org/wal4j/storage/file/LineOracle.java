package org.wal4j.storage.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusRecord;
import org.wal4j.testing.TestEntries;

/**
 * Reads bytes that stand where one line of a segment was, the way the log reads a segment
 * ({@link LineReader}, {@link LineScanner}, {@link EntryDecoder}, and the checks recovery makes on
 * status, checkpoint and header lines), and checks that only the documented outcomes occur:
 * <ul>
 *   <li>a piece that is not a whole line (broken, zeros) or fails its checksum: the log treats it
 *       as torn tail or corruption;</li>
 *   <li>a checksum-valid line that breaks the format: {@link LineScanner.Malformed} or
 *       {@link WalCorruptionException}, which the log reports as corruption;</li>
 *   <li>a line read back: if its bytes are the written ones, exactly what was written; if a
 *       checksum matches other bytes (recomputed over damaged JSON), a valid entry that agrees with
 *       what the scanner indexed (seq, targets).</li>
 * </ul>
 * Whether a checksum matches is decided here independently of {@link LineScanner}, from the format
 * in docs/format.md, and the scanner must agree. Any other exception or error fails the test.
 *
 * <p>Not thread-safe.
 */
final class LineOracle {
    /** What became of one piece. */
    enum Outcome {
        NOT_A_WHOLE_LINE, CHECKSUM_MISMATCH, MALFORMED, UNREADABLE_ENTRY, BAD_FIELD_VALUE, READ_BACK_AS_WRITTEN,
        ACCEPTED_WITH_RECOMPUTED_CHECKSUM
    }

    /** A line as the writer wrote it ({@code \n} included) and, for an entry line, the entry. */
    record Sample(String name, byte[] line, WalEntry entry) {
        byte[] rest() {
            return Arrays.copyOfRange(line, LineCodec.REST_OFFSET, line.length - 1);
        }
    }

    /** One of each kind of line the writer writes, with escapes, non-ASCII text and nulls. */
    static List<Sample> samples() {
        Instant at = Instant.parse("2026-02-01T12:34:56.789Z");
        List<Sample> out = new ArrayList<>();
        out.add(entryLine("small entry", 1, TestEntries.entry(1)));
        out.add(entryLine("two-target entry", 12, TestEntries.entry(12, "primary", "replica")));
        out.add(entryLine("full entry", 345, TestEntries.full(345)));
        out.add(entryLine("sized entry", 6789, TestEntries.sized(6789, 700)));
        out.add(entryLine("null payload", 10, WalEntry.builder("n", "o").targets("t").build()));
        out.add(new Sample("status", LineCodec.statusLine(new StatusRecord(7, "primary",
                org.wal4j.EntryStatus.RETRYING, 3, at, "timeout \"q\" \\ Grüße 🌍")), null));
        out.add(new Sample("dead status", LineCodec.statusLine(new StatusRecord(8, "replica",
                org.wal4j.EntryStatus.DEAD, 10, at, null)), null));
        out.add(new Sample("checkpoint", LineCodec.checkpointLine("primary", 42, at), null));
        out.add(new Sample("header", LineCodec.headerLine(new SegmentFile.Id(5, 0), at), null));
        out.add(new Sample("header of a part", LineCodec.headerLine(new SegmentFile.Id(5, 3), at), null));
        return out;
    }

    /** The line the writer writes for {@code entry} at {@code seq}. */
    static Sample entryLine(String name, long seq, WalEntry entry) {
        byte[] body = LineCodec.entryBody(entry);
        ByteBuffer buf = ByteBuffer.allocate(LineCodec.entryLineLength(seq, body));
        LineCodec.frameEntry(buf, seq, body, new CRC32C(), new byte[64]);
        return new Sample(name, buf.array(), entry.withSeq(seq));
    }

    private static final Path FILE = Path.of("fuzzed.wal");
    private static final byte[] CRC_OPEN = LineCodec.CRC_OPEN;

    private final LineScanner scanner = new LineScanner();
    private final int maxLine;
    /** Lines whose checksum matched although the mutation did not recompute it: CRC32C collisions. */
    long collisions;

    LineOracle(int maxLine) {
        this.maxLine = maxLine;
    }

    /** The outcome of each piece the reader finds in {@code bytes}. */
    List<Outcome> read(byte[] bytes, Sample sample, boolean checksumRecomputed) {
        List<Outcome> outcomes = new ArrayList<>();
        try {
            LineReader r = new LineReader(new ByteArrayChannel(FILE, bytes), 0, bytes.length, 4096, maxLine);
            while (r.next()) {
                outcomes.add(piece(r, sample, checksumRecomputed));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n  sample " + sample.name() + ", bytes: " + show(bytes), e);
        } catch (Throwable t) {
            throw new AssertionError("undocumented outcome " + t + "\n  sample " + sample.name() + ", bytes: "
                    + show(bytes), t);
        }
        return outcomes;
    }

    private Outcome piece(LineReader r, Sample sample, boolean checksumRecomputed) {
        if (r.kind != LineReader.Kind.LINE) {
            return Outcome.NOT_A_WHOLE_LINE;
        }
        byte[] buf = r.buf();
        boolean expected = checksumMatches(buf, r.start, r.end);
        boolean actual = scanner.checksumOk(buf, r.start, r.end);
        if (expected != actual) {
            throw new AssertionError("scanner says checksum " + (actual ? "matches" : "does not match")
                    + " but the format says " + (expected ? "it matches" : "it does not"));
        }
        if (!actual) {
            return Outcome.CHECKSUM_MISMATCH;
        }
        byte[] rest = Arrays.copyOfRange(buf, r.start + LineCodec.REST_OFFSET, r.end);
        boolean asWritten = Arrays.equals(rest, sample.rest());
        if (!asWritten && !checksumRecomputed) {
            collisions++;
        }
        try {
            scanner.parse();
        } catch (LineScanner.Malformed e) {
            requireDamaged(asWritten, e);
            return Outcome.MALFORMED;
        }
        switch (scanner.type) {
            case LineScanner.ENTRY:
                return entry(r, sample, asWritten);
            case LineScanner.STATUS:
                try {
                    // as recovery replays it
                    new StatusRecord(scanner.seq, scanner.target(), scanner.status(), scanner.attempts, scanner.time(),
                            scanner.reason());
                } catch (LineScanner.Malformed | IllegalArgumentException e) {
                    requireDamaged(asWritten, e);
                    return Outcome.BAD_FIELD_VALUE;
                }
                break;
            default: // checkpoint, header
                try {
                    scanner.time();
                } catch (LineScanner.Malformed e) {
                    requireDamaged(asWritten, e);
                    return Outcome.BAD_FIELD_VALUE;
                }
                break;
        }
        return asWritten ? Outcome.READ_BACK_AS_WRITTEN : Outcome.ACCEPTED_WITH_RECOMPUTED_CHECKSUM;
    }

    private Outcome entry(LineReader r, Sample sample, boolean asWritten) {
        long seq = scanner.seq;
        List<String> targets = scanner.targets();
        WalEntry decoded;
        try {
            decoded = EntryDecoder.decode(r.buf(), r.start, r.end, FILE, r.offset,
                    PayloadReading.decoding(LogReader.PAYLOAD_KEYS, null));
        } catch (WalCorruptionException e) {
            requireDamaged(asWritten, e);
            String prefix = "Corrupt record in " + FILE + " at offset " + r.offset + ": entry line cannot be read back: ";
            if (!e.getMessage().startsWith(prefix)) {
                throw new AssertionError("message '" + e.getMessage() + "' does not start with '" + prefix + "'");
            }
            return Outcome.UNREADABLE_ENTRY;
        }
        if (decoded.seq() != seq || !decoded.targets().equals(targets)) {
            throw new AssertionError("decoded entry seq " + decoded.seq() + " targets " + decoded.targets()
                    + " but the scanner indexed seq " + seq + " targets " + targets);
        }
        if (asWritten) {
            if (!decoded.equals(sample.entry())) {
                throw new AssertionError("read back " + decoded + " but wrote " + sample.entry());
            }
            if (!decoded.payload().equals(sample.entry().payload())) {
                throw new AssertionError("payload not byte for byte");
            }
            return Outcome.READ_BACK_AS_WRITTEN;
        }
        return Outcome.ACCEPTED_WITH_RECOMPUTED_CHECKSUM;
    }

    private static void requireDamaged(boolean asWritten, Exception e) {
        if (asWritten) {
            throw new AssertionError("a line exactly as written was rejected: " + e, e);
        }
    }

    /**
     * The format's rule, independent of {@link LineScanner}: {@code {"crc":"}, 8 lowercase hex
     * digits, {@code ",}, then REST (at least 2 bytes) whose CRC32C the digits give.
     */
    static boolean checksumMatches(byte[] b, int start, int end) {
        if (end - start < LineCodec.REST_OFFSET + 2
                || !Arrays.equals(b, start, start + CRC_OPEN.length, CRC_OPEN, 0, CRC_OPEN.length)
                || b[start + 16] != '"' || b[start + 17] != ',') {
            return false;
        }
        String hex = new String(b, start + 8, 8, StandardCharsets.ISO_8859_1);
        if (!hex.matches("[0-9a-f]{8}")) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.wrap(b, start + LineCodec.REST_OFFSET, end - start - LineCodec.REST_OFFSET));
        return Long.parseLong(hex, 16) == crc.getValue();
    }

    /** The bytes as text with non-printable bytes in hex, shortened, for failure messages. */
    static String show(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 600); i++) {
            int b = bytes[i] & 0xFF;
            if (b >= 32 && b < 127 && b != '\\') {
                out.append((char) b);
            } else {
                out.append("\\x").append(HexFormat.of().toHexDigits((byte) b));
            }
        }
        return out + (bytes.length > 600 ? "... (" + bytes.length + " bytes)" : "");
    }
}
