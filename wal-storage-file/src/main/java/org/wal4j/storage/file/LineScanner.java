package org.wal4j.storage.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;

/**
 * Verifies a line's checksum and picks out, without a JSON parser, the fields recovery, reads and
 * compaction need: type, seq, targets; a status record's target, status and attempts; a
 * checkpoint's target and seq. It relies on the fixed field order {@link LineCodec} writes and
 * rejects a line that does not follow it ({@link Malformed}). Opening a log scans every line, so
 * the common path allocates nothing: target lists and names are interned in small caches, and
 * timestamps and reasons are decoded only when asked for.
 *
 * <p>Not thread-safe: one instance per scanning thread, reused line after line.
 */
final class LineScanner {
    static final int HEADER = 1;
    static final int ENTRY = 2;
    static final int STATUS = 3;
    static final int CHECKPOINT = 4;

    private static final byte[] TYPE = LineCodec.ascii("\"type\":\"");
    private static final byte[][] TYPE_NAMES = {null, LineCodec.ascii("header"), LineCodec.ascii("entry"),
        LineCodec.ascii("status"), LineCodec.ascii("checkpoint")};
    private static final byte[] SEQ = LineCodec.ascii("\"seq\":");
    private static final byte[] ID = LineCodec.ascii(",\"id\":");
    private static final byte[] CREATED_AT = LineCodec.ascii(",\"createdAt\":");
    private static final byte[] NAMESPACE = LineCodec.ascii(",\"namespace\":");
    private static final byte[] KEY = LineCodec.ascii(",\"key\":");
    private static final byte[] OPERATION = LineCodec.ascii(",\"operation\":");
    private static final byte[] TARGETS = LineCodec.ascii(",\"targets\":");
    private static final byte[] TARGET = LineCodec.ascii("\"target\":");
    private static final byte[] COMMA_TARGET = LineCodec.ascii(",\"target\":");
    private static final byte[] COMMA_SEQ = LineCodec.ascii(",\"seq\":");
    private static final byte[] STATUS_FIELD = LineCodec.ascii(",\"status\":");
    private static final byte[] ATTEMPTS = LineCodec.ascii(",\"attempts\":");
    private static final byte[] AT = LineCodec.ascii(",\"at\":");
    private static final byte[] REASON = LineCodec.ascii(",\"reason\":");
    private static final byte[] VERSION = LineCodec.ascii("\"version\":");
    private static final byte[] FIRST_SEQ = LineCodec.ascii(",\"firstSeq\":");
    private static final byte[] PART = LineCodec.ascii(",\"part\":");
    private static final byte[] NULL = LineCodec.ascii("null");
    private static final EntryStatus[] STATUSES = EntryStatus.values();
    private static final byte[][] STATUS_NAMES = new byte[STATUSES.length][];
    private static final JsonFactory JSON = new JsonFactory();

    static {
        for (int i = 0; i < STATUSES.length; i++) {
            STATUS_NAMES[i] = LineCodec.ascii(STATUSES[i].name());
        }
    }

    /** A line whose checksum matches but whose content does not follow the format. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String problem;

        Malformed(String message) {
            super(message, null, false, false);
            this.problem = message;
        }

        /** What is wrong with the line; never null. */
        @Override
        public String getMessage() {
            return problem;
        }
    }

    private final CRC32C crc = new CRC32C();
    private final Interned<List<String>> targetLists = new Interned<>();
    private final Interned<String> names = new Interned<>();

    private byte[] buf = new byte[0];
    private int start;
    private int end;
    private int p;

    /** Checksum stored in the last line checked, or -1 if it had no readable frame. */
    long storedCrc;
    /** Checksum computed over the last line checked, or -1 if it had no readable frame. */
    long computedCrc;

    int type;
    long seq;
    /** ENTRY: the targets; {@link #targets()} reads them. Null until an entry line is parsed. */
    private @Nullable List<String> targets;
    /** STATUS, CHECKPOINT: the target; {@link #target()} reads it. Null until such a line is parsed. */
    private @Nullable String target;
    /** STATUS: {@link #status()} reads it. Null until a status line is parsed. */
    private @Nullable EntryStatus status;
    int attempts;
    /** HEADER. */
    long firstSeq;
    int version;
    /** HEADER: the part number, 0 when the header has none. */
    int part;
    private int timeStart;
    private int timeEnd;
    private int reasonStart;
    private int reasonEnd;

    /**
     * Checks the frame and checksum of the line {@code buf[start, end)} ({@code end} excludes the
     * {@code \n}) and keeps it as the current line.
     */
    boolean checksumOk(byte[] buf, int start, int end) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        storedCrc = -1;
        computedCrc = -1;
        int length = end - start;
        if (length < LineCodec.REST_OFFSET + 2 || !regionMatches(start, LineCodec.CRC_OPEN)
                || buf[start + 16] != '"' || buf[start + 17] != ',') {
            return false;
        }
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            int digit = hexValue(buf[start + LineCodec.CRC_OFFSET + i]);
            if (digit < 0) {
                return false;
            }
            stored = (stored << 4) | digit;
        }
        storedCrc = stored;
        crc.reset();
        crc.update(buf, start + LineCodec.REST_OFFSET, length - LineCodec.REST_OFFSET);
        computedCrc = crc.getValue();
        return stored == computedCrc;
    }

    /**
     * Null if the piece {@code r} holds is a whole line whose checksum matches (it is then the
     * current line, ready for {@link #parse()}); otherwise what is wrong with it, as recovery and
     * {@code verify} report it.
     */
    @Nullable String problemOf(LineReader r) {
        switch (Objects.requireNonNull(r.kind, "no piece read yet")) {
            case ZEROS:
                return r.length + " zero bytes";
            case BROKEN:
                return r.end > r.start || r.length == 0 ? "a line without its end (" + r.length + " bytes)"
                        : "a line longer than " + LogReader.maxLine() + " bytes";
            default:
                if (checksumOk(r.buf(), r.start, r.end)) {
                    return null;
                }
                return storedCrc < 0 ? "a line without a checksum frame"
                        : String.format("checksum mismatch: stored %08x, computed %08x", storedCrc, computedCrc);
        }
    }

    /** Parses the current line, whose checksum matched. @throws Malformed if it does not follow the format */
    void parse() {
        p = start + LineCodec.REST_OFFSET;
        expect(TYPE, "\"type\"");
        type = 0;
        for (int t = HEADER; t <= CHECKPOINT; t++) {
            byte[] name = TYPE_NAMES[t];
            if (regionMatches(p, name) && p + name.length < end && buf[p + name.length] == '"') {
                type = t;
                p += name.length + 1;
                break;
            }
        }
        if (type == 0) {
            throw new Malformed("unknown record type at byte " + (p - start));
        }
        expectByte(',');
        switch (type) {
            case ENTRY:
                parseEntry();
                break;
            case STATUS:
                parseStatus();
                break;
            case CHECKPOINT:
                parseCheckpoint();
                break;
            default:
                parseHeader();
                break;
        }
        if (buf[end - 1] != '}') {
            throw new Malformed("line does not end with '}'");
        }
    }

    private void parseEntry() {
        expect(SEQ, "\"seq\"");
        seq = readLong();
        expect(ID, "\"id\"");
        skipString(false);
        expect(CREATED_AT, "\"createdAt\"");
        timeStart = p + 1;
        skipString(false);
        timeEnd = p - 1;
        expect(NAMESPACE, "\"namespace\"");
        skipString(false);
        expect(KEY, "\"key\"");
        skipString(true);
        expect(OPERATION, "\"operation\"");
        skipString(false);
        expect(TARGETS, "\"targets\"");
        int arrayStart = p;
        if (p >= end || buf[p] != '[') {
            throw new Malformed("expected '[' at byte " + (p - start));
        }
        while (p < end && buf[p] != ']') {
            if (buf[p] == '\\') {
                throw new Malformed("escape in target names at byte " + (p - start));
            }
            p++;
        }
        if (p >= end) {
            throw new Malformed("unterminated targets array");
        }
        p++;
        targets = targetLists.get(buf, arrayStart, p, this::parseTargets);
    }

    private List<String> parseTargets(byte[] b, int from, int to) {
        List<String> list = new ArrayList<>(2);
        int i = from + 1;
        while (i < to - 1) {
            if (b[i] != '"') {
                throw new Malformed("expected a target name at byte " + (i - start));
            }
            int close = i + 1;
            while (close < to && b[close] != '"') {
                close++;
            }
            list.add(new String(b, i + 1, close - i - 1, StandardCharsets.UTF_8));
            i = close + 1;
            if (i < to - 1) {
                if (b[i] != ',') {
                    throw new Malformed("expected ',' between target names at byte " + (i - start));
                }
                i++;
            }
        }
        if (list.isEmpty()) {
            throw new Malformed("entry names no target");
        }
        return List.copyOf(list);
    }

    private void parseStatus() {
        expect(SEQ, "\"seq\"");
        seq = readLong();
        expect(COMMA_TARGET, "\"target\"");
        target = readName();
        expect(STATUS_FIELD, "\"status\"");
        status = readStatus();
        expect(ATTEMPTS, "\"attempts\"");
        long a = readLong();
        if (a > Integer.MAX_VALUE) {
            throw new Malformed("attempts " + a + " out of range");
        }
        attempts = (int) a;
        expect(AT, "\"at\"");
        timeStart = p + 1;
        skipString(false);
        timeEnd = p - 1;
        expect(REASON, "\"reason\"");
        reasonStart = p;
        skipString(true);
        reasonEnd = p;
    }

    private void parseCheckpoint() {
        expect(TARGET, "\"target\"");
        target = readName();
        expect(COMMA_SEQ, "\"seq\"");
        seq = readLong();
        expect(AT, "\"at\"");
        timeStart = p + 1;
        skipString(false);
        timeEnd = p - 1;
    }

    private void parseHeader() {
        expect(VERSION, "\"version\"");
        long v = readLong();
        if (v < LineCodec.OLDEST_VERSION || v > LineCodec.FORMAT_VERSION) {
            throw new Malformed("format version " + v + " is not supported (this library reads versions "
                    + LineCodec.OLDEST_VERSION + " to " + LineCodec.FORMAT_VERSION + ")");
        }
        version = (int) v;
        expect(FIRST_SEQ, "\"firstSeq\"");
        firstSeq = readLong();
        expect(CREATED_AT, "\"createdAt\"");
        timeStart = p + 1;
        skipString(false);
        timeEnd = p - 1;
        part = 0;
        if (regionMatches(p, PART)) {
            p += PART.length;
            long n = readLong();
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw new Malformed("part " + n + " out of range");
            }
            part = (int) n;
        }
    }

    /** ENTRY and HEADER: createdAt; STATUS and CHECKPOINT: at. */
    Instant time() {
        try {
            return Instant.parse(new String(buf, timeStart, timeEnd - timeStart, StandardCharsets.US_ASCII));
        } catch (DateTimeParseException e) {
            throw new Malformed("unreadable time: " + e.getMessage());
        }
    }

    /** ENTRY: the targets of the entry line parsed last. */
    List<String> targets() {
        return Objects.requireNonNull(targets, "no entry line parsed");
    }

    /** STATUS, CHECKPOINT: the target of the line parsed last. */
    String target() {
        return Objects.requireNonNull(target, "no status or checkpoint line parsed");
    }

    /** STATUS: the status of the status line parsed last. */
    EntryStatus status() {
        return Objects.requireNonNull(status, "no status line parsed");
    }

    /** STATUS: the reason, or null. */
    @Nullable String reason() {
        if (buf[reasonStart] == 'n') {
            return null;
        }
        boolean escaped = false;
        for (int i = reasonStart + 1; i < reasonEnd - 1; i++) {
            if (buf[i] == '\\') {
                escaped = true;
                break;
            }
        }
        if (!escaped) {
            return new String(buf, reasonStart + 1, reasonEnd - reasonStart - 2, StandardCharsets.UTF_8);
        }
        try (JsonParser parser = JSON.createParser(buf, reasonStart, reasonEnd - reasonStart)) {
            parser.nextToken();
            return parser.getText();
        } catch (IOException e) {
            throw new Malformed("unreadable reason: " + e.getMessage());
        }
    }

    private void expect(byte[] literal, String what) {
        if (!regionMatches(p, literal)) {
            throw new Malformed("expected " + what + " at byte " + (p - start));
        }
        p += literal.length;
    }

    private void expectByte(int b) {
        if (p >= end || buf[p] != b) {
            throw new Malformed("expected '" + (char) b + "' at byte " + (p - start));
        }
        p++;
    }

    private long readLong() {
        int from = p;
        long v = 0;
        while (p < end && buf[p] >= '0' && buf[p] <= '9') {
            if (v > (Long.MAX_VALUE - 9) / 10) {
                throw new Malformed("number too large at byte " + (from - start));
            }
            v = v * 10 + (buf[p] - '0');
            p++;
        }
        if (p == from) {
            throw new Malformed("expected a number at byte " + (from - start));
        }
        return v;
    }

    /** Skips a JSON string (or {@code null} when allowed), honouring escapes. */
    private void skipString(boolean nullable) {
        if (nullable && regionMatches(p, NULL)) {
            p += NULL.length;
            return;
        }
        if (p >= end || buf[p] != '"') {
            throw new Malformed("expected a string at byte " + (p - start));
        }
        p++;
        while (p < end) {
            byte b = buf[p];
            if (b == '\\') {
                p += 2;
            } else if (b == '"') {
                p++;
                return;
            } else {
                p++;
            }
        }
        throw new Malformed("unterminated string");
    }

    /** A target name: a string without escapes ({@code [A-Za-z0-9._-]}), interned. */
    private String readName() {
        if (p >= end || buf[p] != '"') {
            throw new Malformed("expected a target name at byte " + (p - start));
        }
        int from = p + 1;
        int close = from;
        while (close < end && buf[close] != '"') {
            if (buf[close] == '\\') {
                throw new Malformed("escape in a target name at byte " + (close - start));
            }
            close++;
        }
        if (close >= end) {
            throw new Malformed("unterminated target name");
        }
        p = close + 1;
        return names.get(buf, from, close, (b, f, t) -> new String(b, f, t - f, StandardCharsets.UTF_8));
    }

    private EntryStatus readStatus() {
        if (p < end && buf[p] == '"') {
            for (int i = 0; i < STATUSES.length; i++) {
                byte[] name = STATUS_NAMES[i];
                if (regionMatches(p + 1, name) && p + 1 + name.length < end && buf[p + 1 + name.length] == '"') {
                    p += name.length + 2;
                    return STATUSES[i];
                }
            }
        }
        throw new Malformed("unknown status at byte " + (p - start));
    }

    private boolean regionMatches(int at, byte[] literal) {
        return at + literal.length <= end && Arrays.equals(buf, at, at + literal.length, literal, 0, literal.length);
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }

    private interface Decoder<T> {
        T decode(byte[] b, int from, int to);
    }

    /**
     * A few byte strings and what they decode to, compared byte for byte. A log names few target
     * combinations, so nearly every lookup hits; past {@link #MAX} keys the value is decoded each
     * time rather than growing without bound.
     */
    private static final class Interned<T> {
        private static final int MAX = 64;
        private final byte[][] keys = new byte[MAX][];
        private final Object[] values = new Object[MAX];
        private int size;

        @SuppressWarnings("unchecked")
        T get(byte[] b, int from, int to, Decoder<T> decoder) {
            int length = to - from;
            for (int i = 0; i < size; i++) {
                byte[] key = keys[i];
                if (key.length == length && Arrays.equals(key, 0, length, b, from, to)) {
                    return (T) values[i];
                }
            }
            T value = decoder.decode(b, from, to);
            if (size < MAX) {
                keys[size] = Arrays.copyOfRange(b, from, to);
                values[size] = value;
                size++;
            }
            return value;
        }
    }
}
