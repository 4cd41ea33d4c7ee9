package org.wal4j.storage.file;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import java.util.regex.Pattern;
import org.wal4j.EntryTooLargeException;
import org.wal4j.Lifecycle;
import org.wal4j.WalEntry;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadContext;

/**
 * Writes an entry's body (see {@link LineCodec#entryBody}) byte for byte as Jackson's generator
 * writes it, without the generator: the body has a fixed shape, so its field names are constants,
 * and only its strings need escaping. An appending thread spends most of an append serializing its
 * entry, and this takes a fraction of Jackson's time: no generator per entry, no formatter for the
 * creation time (the part up to the second is kept from the previous entry, which at any append
 * rate worth measuring was created in the same second), the lifecycle's bytes kept while the
 * entries share it, the payload encoded by {@link String#getBytes} in one go.
 *
 * <p>What Jackson does, and this mirrors: strings in double quotes, with {@code "} and {@code \}
 * escaped by a backslash, the control characters below U+0020 as {@code \b \t \n \f \r} or
 * {@code \}{@code u00XX}, each UTF-16 surrogate (paired or not) as {@code \}{@code uXXXX}
 * (upper-case hex), everything else as its UTF-8 bytes; null as {@code null}; the payload raw, as
 * UTF-8. The lifecycle object is rare to change and is written by Jackson.
 *
 * <p><b>The payload is framed only if it cannot break the line.</b> {@link WalEntry} guarantees a
 * payload of one line of valid JSON (its builder checks every payload, whatever produced it), so
 * the encoder does not parse it again on the write path. It does check, in one pass over the
 * bytes it copies anyway, what would break the frame whoever built the entry: a line break
 * ({@code \n}, {@code \r}) or a byte 0, and a lone surrogate, which has no UTF-8 form. Such an
 * entry is refused with an {@link IllegalArgumentException} before anything is written.
 *
 * <p>One encoder per thread ({@link #encode}); not thread-safe itself.
 */
final class EntryBodyEncoder {
    private static final ThreadLocal<EntryBodyEncoder> PER_THREAD = ThreadLocal.withInitial(EntryBodyEncoder::new);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUESTION_MARKS = 0x3f3f3f3f3f3f3f3fL;
    private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;
    private static final long RETURNS = 0x0d0d0d0d0d0d0d0dL;

    private static final byte[] ID = LineCodec.ascii("\"id\":");
    private static final byte[] CREATED_AT = LineCodec.ascii(",\"createdAt\":\"");
    private static final byte[] NAMESPACE = LineCodec.ascii(",\"namespace\":");
    private static final byte[] KEY = LineCodec.ascii(",\"key\":");
    private static final byte[] OPERATION = LineCodec.ascii(",\"operation\":");
    private static final byte[] TARGETS = LineCodec.ascii(",\"targets\":[");
    private static final byte[] IDEMPOTENCY_KEY = LineCodec.ascii("],\"idempotencyKey\":");
    private static final byte[] CORRELATION_ID = LineCodec.ascii(",\"correlationId\":");
    private static final byte[] TENANT_ID = LineCodec.ascii(",\"tenantId\":");
    private static final byte[] USER_ID = LineCodec.ascii(",\"userId\":");
    private static final byte[] LIFECYCLE = LineCodec.ascii(",\"lifecycle\":");
    private static final byte[] ALSO_KEYS = LineCodec.ascii(",\"alsoKeys\":[");
    private static final byte[] TRACE = LineCodec.ascii(",\"trace\":{");
    private static final byte[] PAYLOAD = LineCodec.ascii(",\"payload\":");
    private static final byte[] PAYLOAD_CODEC = LineCodec.ascii(",\"payloadCodec\":\"");
    /** What {@link PayloadCodec#name()} may be: written unescaped between quotes. */
    private static final Pattern CODEC_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final byte[] NULL = LineCodec.ascii("null");
    private static final byte[] HEX = LineCodec.ascii("0123456789ABCDEF");
    /** Per ASCII character: 0 written as it is, a letter for a two-character escape, -1 for a u00XX escape. */
    private static final int[] ESCAPES = new int[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\f'] = 'f';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
    }

    private byte[] buf = new byte[1024];
    private int length;
    /** The last lifecycle encoded and its bytes: most entries of a thread share one. */
    private Lifecycle lifecycle = Lifecycle.ofDefaults();
    private byte[] lifecycleBytes = LineCodec.lifecycleJson(lifecycle);
    private long second = Long.MIN_VALUE;
    /** {@code yyyy-MM-ddTHH:mm:ss} of {@link #second}, as {@link Instant#toString()} starts. */
    private byte @Nullable [] secondText;

    private EntryBodyEncoder() {
    }

    /**
     * The body of {@code e}'s line.
     *
     * @throws IllegalArgumentException if the payload would break the line: a line break, a byte 0
     *                                  or a lone surrogate (none passes {@link WalEntry}'s checks)
     */
    static byte[] encode(WalEntry e) {
        return PER_THREAD.get().body(e, null, Integer.MAX_VALUE);
    }

    /**
     * The body of {@code e}'s line with its payload encoded by {@code codec} (none: as written), and
     * {@code "payloadCodec":"NAME"} before it.
     *
     * @throws IllegalArgumentException if the payload, or the codec's form of it, would break the
     *                                  line
     * @throws EntryTooLargeException   if the codec's form is over {@code maxStoredBytes}
     */
    static byte[] encode(WalEntry e, @Nullable PayloadCodec codec, int maxStoredBytes) {
        return PER_THREAD.get().body(e, codec, maxStoredBytes);
    }

    /** Whether {@code name} is a codec name the line can carry. */
    static boolean isCodecName(String name) {
        return CODEC_NAME.matcher(name).matches();
    }

    private byte[] body(WalEntry e, @Nullable PayloadCodec codec, int maxStoredBytes) {
        length = 0;
        byte[] payload = e.payload().getBytes(StandardCharsets.UTF_8);
        requireFramable(payload, e.payload(), e);
        if (codec != null) {
            String stored = codec.encode(PayloadContext.of(e), e.payload());
            payload = stored.getBytes(StandardCharsets.UTF_8);
            requireFramable(payload, stored, e);
            if (payload.length > maxStoredBytes) {
                throw EntryTooLargeException.encoded(e.namespace(), e.operation(), codec.name(), payload.length,
                        maxStoredBytes);
            }
        }
        put(ID);
        string(e.id());
        put(CREATED_AT);
        instant(e.createdAt());
        put((byte) '"');
        put(NAMESPACE);
        string(e.namespace());
        put(KEY);
        nullableString(e.key());
        put(OPERATION);
        string(e.operation());
        put(TARGETS);
        List<String> targets = e.targets();
        for (int i = 0; i < targets.size(); i++) {
            if (i > 0) {
                put((byte) ',');
            }
            string(targets.get(i));
        }
        put(IDEMPOTENCY_KEY);
        string(e.idempotencyKey());
        put(CORRELATION_ID);
        nullableString(e.correlationId());
        put(TENANT_ID);
        nullableString(e.tenantId());
        put(USER_ID);
        nullableString(e.userId());
        put(LIFECYCLE);
        put(lifecycle(e.lifecycle()));
        List<String> alsoKeys = e.alsoKeys();
        if (!alsoKeys.isEmpty()) {
            put(ALSO_KEYS);
            for (int i = 0; i < alsoKeys.size(); i++) {
                if (i > 0) {
                    put((byte) ',');
                }
                string(alsoKeys.get(i));
            }
            put((byte) ']');
        }
        Map<String, String> trace = e.traceContext();
        if (!trace.isEmpty()) {
            put(TRACE);
            boolean first = true;
            for (Map.Entry<String, String> field : trace.entrySet()) {
                if (!first) {
                    put((byte) ',');
                }
                first = false;
                string(field.getKey());
                put((byte) ':');
                string(field.getValue());
            }
            put((byte) '}');
        }
        if (codec != null) {
            put(PAYLOAD_CODEC);
            put(LineCodec.ascii(codec.name()));
            put((byte) '"');
        }
        put(PAYLOAD);
        put(payload);
        put((byte) '}');
        byte[] body = Arrays.copyOf(buf, length);
        if (buf.length > LineCodec.ByteSink.RETAINED) {
            buf = new byte[1024]; // a thread that once appended 1 MiB does not keep 1 MiB
        }
        return body;
    }

    /** Refuses a payload that would end or corrupt its line. */
    static void requireFramable(byte[] utf8, WalEntry e) {
        requireFramable(utf8, e.payload(), e);
    }

    /** Refuses {@code text}, the payload of {@code e} or its stored form, if its bytes would end or corrupt the line. */
    static void requireFramable(byte[] utf8, String text, WalEntry e) {
        int lineBreak = lineBreakOrZero(utf8);
        if (lineBreak >= 0) {
            throw new IllegalArgumentException("payload of entry " + e.id() + " cannot be framed as one line: byte "
                    + lineBreak + " is " + (utf8[lineBreak] == 0 ? "a byte 0" : utf8[lineBreak] == '\n'
                    ? "a line feed" : "a carriage return"));
        }
        if (!wellFormed(utf8, text)) {
            throw new IllegalArgumentException("payload of entry " + e.id() + " cannot be framed as one line: "
                    + "it holds a lone surrogate, which has no UTF-8 form");
        }
    }

    /**
     * The index of the first {@code \n}, {@code \r} or byte 0 in {@code b}, or -1; eight bytes at
     * a time as {@link #containsQuestionMark}.
     */
    static int lineBreakOrZero(byte[] b) {
        int i = 0;
        for (; i <= b.length - Long.BYTES; i += Long.BYTES) {
            long v = (long) LONGS.get(b, i);
            long n = v ^ NEWLINES;
            long r = v ^ RETURNS;
            long zeroOrBreak = ((v - ONES) & ~v) | ((n - ONES) & ~n) | ((r - ONES) & ~r);
            if ((zeroOrBreak & HIGH_BITS) != 0) {
                break; // the exact byte is found below
            }
        }
        for (; i < b.length; i++) {
            if (b[i] == '\n' || b[i] == '\r' || b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether {@code text} encoded to {@code utf8} without replacement: {@link String#getBytes}
     * writes {@code ?} for a lone surrogate. Without a {@code ?} in the bytes nothing was
     * replaced, which a search eight bytes at a time tells without allocating; with one, decoding
     * back tells whether it was the text's own.
     */
    private static boolean wellFormed(byte[] utf8, String text) {
        return !containsQuestionMark(utf8) || new String(utf8, StandardCharsets.UTF_8).equals(text);
    }

    /** Whether {@code b} holds a {@code ?}; see {@link LineReader#endOfLine} for the technique. */
    static boolean containsQuestionMark(byte[] b) {
        int i = 0;
        for (; i <= b.length - Long.BYTES; i += Long.BYTES) {
            long v = (long) LONGS.get(b, i) ^ QUESTION_MARKS;
            if (((v - ONES) & ~v & HIGH_BITS) != 0) {
                return true;
            }
        }
        for (; i < b.length; i++) {
            if (b[i] == '?') {
                return true;
            }
        }
        return false;
    }

    private byte[] lifecycle(Lifecycle l) {
        if (!l.equals(lifecycle)) {
            lifecycleBytes = LineCodec.lifecycleJson(l);
            lifecycle = l;
        }
        return lifecycleBytes;
    }

    /** {@link Instant#toString()}: {@code yyyy-MM-ddTHH:mm:ss}, the fraction in groups of 3 digits as needed, {@code Z}. */
    private void instant(Instant t) {
        byte[] text = secondText;
        if (t.getEpochSecond() != second || text == null) {
            String whole = Instant.ofEpochSecond(t.getEpochSecond()).toString();
            text = LineCodec.ascii(whole.substring(0, whole.length() - 1)); // without its Z
            secondText = text;
            second = t.getEpochSecond();
        }
        put(text);
        int nano = t.getNano();
        if (nano != 0) {
            int digits = nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
            int value = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1000 : nano;
            ensure(digits + 1);
            buf[length++] = '.';
            for (int i = digits - 1; i >= 0; i--) {
                buf[length + i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            length += digits;
        }
        put((byte) 'Z');
    }

    private void nullableString(@Nullable String s) {
        if (s == null) {
            put(NULL);
        } else {
            string(s);
        }
    }

    /** Writes {@code s} quoted and escaped. */
    private void string(String s) {
        int n = s.length();
        ensure(6 * n + 2); // the longest form of a character: a six-byte escape
        byte[] b = buf;
        int p = length;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                int escape = ESCAPES[c];
                if (escape == 0) {
                    b[p++] = (byte) c;
                } else if (escape > 0) {
                    b[p++] = '\\';
                    b[p++] = (byte) escape;
                } else {
                    b[p++] = '\\';
                    b[p++] = 'u';
                    b[p++] = '0';
                    b[p++] = '0';
                    b[p++] = HEX[c >> 4];
                    b[p++] = HEX[c & 0xF];
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else {
                // Jackson escapes each half of a surrogate pair (and a lone one) on its own
                b[p++] = '\\';
                b[p++] = 'u';
                b[p++] = HEX[c >> 12];
                b[p++] = HEX[(c >> 8) & 0xF];
                b[p++] = HEX[(c >> 4) & 0xF];
                b[p++] = HEX[c & 0xF];
            }
        }
        b[p++] = '"';
        length = p;
    }

    /** {@code s} as a quoted, escaped JSON string; for tests. */
    static byte[] jsonString(String s) {
        EntryBodyEncoder encoder = new EntryBodyEncoder();
        encoder.string(s);
        return Arrays.copyOf(encoder.buf, encoder.length);
    }

    private void put(byte b) {
        ensure(1);
        buf[length++] = b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, length, bytes.length);
        length += bytes.length;
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(length + more, buf.length * 2));
        }
    }
}
