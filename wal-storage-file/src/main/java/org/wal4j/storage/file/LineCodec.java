package org.wal4j.storage.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.wal4j.Lifecycle;
import org.wal4j.WalEntry;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.StatusRecord;

/**
 * Writes the lines of a segment file. Every line is one JSON object, readable with {@code jq}:
 *
 * <pre>
 *   byte 0         8          16 18
 *        {"crc":"  hhhhhhhh   ",  REST                                             \n
 *
 *   hhhhhhhh  CRC32C of the bytes of REST, 8 lowercase hex digits
 *   REST      "type":"…", the record's fields in a fixed order, the object's closing }
 *
 *   header      "type":"header","version":2,"firstSeq":N,"createdAt":"ISO-8601"[,"part":N]}
 *               (version 1: a log from before the MANIFEST; read, and upgraded on open)
 *   entry       "type":"entry","seq":N,"id":"…","createdAt":"ISO-8601","namespace":"…",
 *               "key":"…"|null,"operation":"…","targets":["…",…],"idempotencyKey":"…",
 *               "correlationId":…,"tenantId":…,"userId":…,
 *               "lifecycle":{"maxAttempts":N,"initialDelayMs":N,"backoff":"EXPONENTIAL",
 *                            "backoffBaseMs":N,"backoffMultiplier":D,"backoffCapMs":N,
 *                            "jitter":B,"ttlMs":N|null,"priority":"NORMAL"},
 *               ["alsoKeys":["…",…],]              (only for an entry of several lanes)
 *               ["trace":{"traceparent":"…",…},]   (only for an entry with a trace context)
 *               ["payloadCodec":"aes-gcm",]        (only for a payload stored encoded)
 *               "payload":RAW}                    (payload last: byte for byte as appended, or the
 *                                                   codec's stored form, {"kid":…,"iv":…,"ct":…})
 *   status      "type":"status","seq":N,"target":"…","status":"APPLIED","attempts":N,
 *               "at":"ISO-8601","reason":"…"|null}
 *   checkpoint  "type":"checkpoint","target":"…","seq":N,"at":"ISO-8601"}
 * </pre>
 *
 * The first 18 bytes have a fixed shape, so the checksum is verified without parsing JSON, and
 * the fixed field order lets recovery pick out what its index needs ({@link LineScanner})
 * without a JSON parser. A line never contains a byte 0 or a line break except its last byte.
 *
 * <p><b>Commit rule.</b> A segment begins with a header line, forced together with the directory
 * entry before any other line goes into the file. A line is part of the log once its terminating
 * {@code \n} is on disk and its checksum matches; an entry is acknowledged only after its line
 * was written (and, under {@code SyncPolicy.ALWAYS}, forced). The set of segments is listed in the
 * {@code MANIFEST} ({@link Manifest}), updated (one of its two slots overwritten in place,
 * {@link ManifestFile}) after a new segment exists and before a line goes into it, and before
 * compaction renames or deletes a segment. Anything after the last such line
 * of the last segment was never acknowledged and is cut off on open. Lines are never changed in
 * place: a status change or checkpoint is a new line; only compaction rewrites a closed segment,
 * to a new file renamed over the old one.
 *
 * <p>Stateless and thread-safe; {@link #entryBody} runs on the appending threads, {@link #frameEntry}
 * on the thread holding the writer role.
 */
final class LineCodec {
    /**
     * Version 2: the log has a {@code MANIFEST} ({@link Manifest}). Version 1 (no manifest) is still
     * read, and upgraded on the first open for writing.
     */
    static final int FORMAT_VERSION = 2;
    /** The oldest version this library reads. */
    static final int OLDEST_VERSION = 1;
    /** Offset of REST in a line: after <code>{"crc":"hhhhhhhh",</code>. */
    static final int REST_OFFSET = 18;
    static final int CRC_OFFSET = 8;
    static final byte[] CRC_OPEN = ascii("{\"crc\":\"");
    static final byte[] CRC_CLOSE = ascii("\",");
    static final byte[] ENTRY_START = ascii("\"type\":\"entry\",\"seq\":");
    /** Bytes a line adds around an entry body besides the seq digits: prefix, crc, comma, newline. */
    static final int ENTRY_OVERHEAD = REST_OFFSET + ENTRY_START.length + 1 + 1;

    private static final byte[] HEX = ascii("0123456789abcdef");
    private static final JsonFactory JSON = new JsonFactory();
    /** Per appending thread, the buffer entry bodies are serialized into before their exact-size copy. */
    private static final ThreadLocal<ByteSink> SINK = ThreadLocal.withInitial(ByteSink::new);

    private LineCodec() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The part of an entry's line after {@code "seq":N,}: from {@code "id"} to the closing brace.
     * The writer adds the frame and seq; everything costly (escaping, UTF-8) happens here, on the
     * caller's thread. Written by {@link EntryBodyEncoder}, which gives the same bytes as
     * {@link #entryBodyWithJackson} several times faster.
     *
     * @throws IllegalArgumentException if the payload would break the line (see {@link EntryBodyEncoder})
     */
    static byte[] entryBody(WalEntry e) {
        return EntryBodyEncoder.encode(e);
    }

    /**
     * {@link #entryBody(WalEntry)} with the payload encoded by {@code codec} (none: as written),
     * named in a {@code "payloadCodec"} field before it.
     *
     * @throws IllegalArgumentException if the payload or its stored form would break the line
     * @throws org.wal4j.EntryTooLargeException if the stored form is over {@code maxStoredBytes}
     */
    static byte[] entryBody(WalEntry e, @Nullable PayloadCodec codec, int maxStoredBytes) {
        return EntryBodyEncoder.encode(e, codec, maxStoredBytes);
    }

    /** {@link #entryBody} by Jackson's generator: the reference the fast encoder matches byte for byte. */
    static byte[] entryBodyWithJackson(WalEntry e) {
        ByteSink sink = SINK.get();
        sink.reset();
        try (JsonGenerator g = JSON.createGenerator(sink)) {
            g.writeStartObject();
            g.writeStringField("id", e.id());
            g.writeStringField("createdAt", e.createdAt().toString());
            g.writeStringField("namespace", e.namespace());
            g.writeStringField("key", e.key());
            g.writeStringField("operation", e.operation());
            g.writeArrayFieldStart("targets");
            for (String target : e.targets()) {
                g.writeString(target);
            }
            g.writeEndArray();
            g.writeStringField("idempotencyKey", e.idempotencyKey());
            g.writeStringField("correlationId", e.correlationId());
            g.writeStringField("tenantId", e.tenantId());
            g.writeStringField("userId", e.userId());
            writeLifecycle(g, e.lifecycle());
            if (!e.alsoKeys().isEmpty()) {
                g.writeArrayFieldStart("alsoKeys");
                for (String other : e.alsoKeys()) {
                    g.writeString(other);
                }
                g.writeEndArray();
            }
            if (!e.traceContext().isEmpty()) {
                g.writeObjectFieldStart("trace");
                for (Map.Entry<String, String> field : e.traceContext().entrySet()) {
                    g.writeStringField(field.getKey(), field.getValue());
                }
                g.writeEndObject();
            }
            g.writeFieldName("payload");
            g.writeRawValue(e.payload());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException("serializing entry " + e.id() + " failed", ex);
        }
        byte[] body = sink.copyFrom(1); // drop the '{': the writer's frame opens the object
        sink.trim();
        return body;
    }

    /** The entry line's lifecycle object, {@code {"maxAttempts":…}}, as {@link #entryBodyWithJackson} writes it. */
    static byte[] lifecycleJson(Lifecycle l) {
        ByteSink sink = new ByteSink();
        try (JsonGenerator g = JSON.createGenerator(sink)) {
            g.writeStartObject();
            writeLifecycle(g, l);
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException("serializing lifecycle " + l + " failed", ex);
        }
        // the value of the one field "lifecycle": after {"lifecycle": and before the last }
        int start = "{\"lifecycle\":".length();
        return Arrays.copyOfRange(sink.array(), start, sink.length() - 1);
    }

    private static void writeLifecycle(JsonGenerator g, Lifecycle l) throws IOException {
        g.writeObjectFieldStart("lifecycle");
        g.writeNumberField("maxAttempts", l.maxAttempts());
        g.writeNumberField("initialDelayMs", l.initialDelay().toMillis());
        g.writeStringField("backoff", l.backoff().name());
        g.writeNumberField("backoffBaseMs", l.backoffBase().toMillis());
        g.writeNumberField("backoffMultiplier", l.backoffMultiplier());
        g.writeNumberField("backoffCapMs", l.backoffCap().toMillis());
        g.writeBooleanField("jitter", l.jitter());
        if (l.ttl().isPresent()) {
            g.writeNumberField("ttlMs", l.ttl().get().toMillis());
        } else {
            g.writeNullField("ttlMs");
        }
        g.writeStringField("priority", l.priority().name());
        g.writeEndObject();
    }

    /** A whole status line, framed, with its {@code \n}. */
    static byte[] statusLine(StatusRecord r) {
        return framed(g -> {
            g.writeStringField("type", "status");
            g.writeNumberField("seq", r.seq());
            g.writeStringField("target", r.target());
            g.writeStringField("status", r.status().name());
            g.writeNumberField("attempts", r.attempts());
            g.writeStringField("at", r.at().toString());
            g.writeStringField("reason", r.reason());
        });
    }

    /** A whole checkpoint line, framed, with its {@code \n}. */
    static byte[] checkpointLine(String target, long seq, Instant at) {
        return framed(g -> {
            g.writeStringField("type", "checkpoint");
            g.writeStringField("target", target);
            g.writeNumberField("seq", seq);
            g.writeStringField("at", at.toString());
        });
    }

    /** A segment's first line, framed, with its {@code \n}; {@code "part"} only for a part above 0. */
    static byte[] headerLine(SegmentFile.Id id, Instant createdAt) {
        return framed(g -> {
            g.writeStringField("type", "header");
            g.writeNumberField("version", FORMAT_VERSION);
            g.writeNumberField("firstSeq", id.firstSeq());
            g.writeStringField("createdAt", createdAt.toString());
            if (id.part() > 0) {
                g.writeNumberField("part", id.part());
            }
        });
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] framed(Fields fields) {
        ByteSink sink = new ByteSink();
        try (JsonGenerator g = JSON.createGenerator(sink)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("serializing a log line failed", e);
        }
        return frameObject(sink.array(), sink.length());
    }

    /** Frames the JSON object {@code json[0, length)} (from its '{') as a line with its checksum and {@code \n}. */
    static byte[] frameObject(byte[] json, int length) {
        // REST is everything after the object's '{'
        int restLength = length - 1;
        byte[] line = new byte[REST_OFFSET + restLength + 1];
        System.arraycopy(json, 1, line, REST_OFFSET, restLength);
        CRC32C crc = new CRC32C();
        crc.update(line, REST_OFFSET, restLength);
        writeFrame(line, (int) crc.getValue());
        line[line.length - 1] = '\n';
        return line;
    }

    /** Fills bytes 0..18 of {@code line} with the frame around checksum {@code crc}. */
    static void writeFrame(byte[] line, int crc) {
        System.arraycopy(CRC_OPEN, 0, line, 0, CRC_OPEN.length);
        for (int i = 0; i < 8; i++) {
            line[CRC_OFFSET + i] = HEX[(crc >>> (28 - 4 * i)) & 0xF];
        }
        line[16] = '"';
        line[17] = ',';
    }

    /** Length of the line {@link #frameEntry} writes. */
    static int entryLineLength(long seq, byte[] body) {
        return ENTRY_OVERHEAD + digits(seq) + body.length;
    }

    /**
     * Writes an entry's whole line into {@code out}: frame, {@code "type":"entry","seq":N,}, the
     * body, {@code \n}. Runs on the writer thread; {@code scratch} (at least 64 bytes) and
     * {@code crc} are its own, so nothing is allocated.
     */
    static void frameEntry(ByteBuffer out, long seq, byte[] body, CRC32C crc, byte[] scratch) {
        int n = ENTRY_START.length;
        System.arraycopy(ENTRY_START, 0, scratch, 0, n);
        n = putDigits(scratch, n, seq);
        scratch[n++] = ',';
        crc.reset();
        crc.update(scratch, 0, n);
        crc.update(body, 0, body.length);
        int value = (int) crc.getValue();
        out.put(CRC_OPEN);
        for (int i = 0; i < 8; i++) {
            out.put(HEX[(value >>> (28 - 4 * i)) & 0xF]);
        }
        out.put((byte) '"').put((byte) ',');
        out.put(scratch, 0, n);
        out.put(body);
        out.put((byte) '\n');
    }

    static int digits(long v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    private static int putDigits(byte[] to, int at, long v) {
        int end = at + digits(v);
        for (int i = end - 1; i >= at; i--) {
            to[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        return end;
    }

    /**
     * An {@link OutputStream} over a growable array, reused per thread. Trimmed back after a large
     * entry so that a thread that once appended 1 MiB does not keep 1 MiB forever.
     */
    static final class ByteSink extends OutputStream {
        private static final int INITIAL = 1024;
        static final int RETAINED = 64 * 1024;
        private byte[] buf = new byte[INITIAL];
        private int length;

        void reset() {
            length = 0;
        }

        int length() {
            return length;
        }

        byte[] array() {
            return buf;
        }

        byte[] copyFrom(int from) {
            return Arrays.copyOfRange(buf, from, length);
        }

        void trim() {
            if (buf.length > RETAINED) {
                buf = new byte[INITIAL];
            }
            length = 0;
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[length++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, length, len);
            length += len;
        }

        private void ensure(int more) {
            if (length + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(length + more, buf.length * 2));
            }
        }
    }
}
