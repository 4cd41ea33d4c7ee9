package org.wal4j.storage.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.wal4j.WalCorruptionException;

/**
 * The log's list of the segment files it must have, in order: the file {@code MANIFEST}, one line
 * framed and checksummed like a log line ({@link LineCodec}):
 *
 * <pre>
 *   {"crc":"hhhhhhhh","type":"manifest","version":2,"lastSeq":N,"segments":[
 *      {"name":"…wal","createdAt":"ISO-8601","length":N,"lastSeq":N},     closed segment
 *      {"name":"…wal","createdAt":"ISO-8601","length":N,"lastSeq":N,
 *                     "oldLength":N,"oldLastSeq":N},                      closed, being rewritten
 *      {"name":"…wal","createdAt":"ISO-8601","length":N,"lastSeq":N,
 *                     "dropping":true},                                   closed, being deleted
 *      {"name":"…wal","createdAt":"ISO-8601"}]}                          the active segment (last)
 *
 *   lastSeq    the highest entry seq the log has ever held in a closed segment: never issued again
 *   createdAt  the segment header's creation time, to the nanosecond: tells a segment from a copy
 *              of another log's (or an older) segment with the same name
 * </pre>
 *
 * <p><b>Commit rule.</b> The manifest is replaced, never edited: write {@code MANIFEST.tmp}, force
 * it, rename it over {@code MANIFEST}, force the directory. It is written after a new segment is
 * created and its directory entry forced (rotation), before a compaction renames a rewritten
 * segment over the old one (listing both lengths), after a compaction emptied a segment it deletes
 * and before it deletes it, and at the end of every open. So after any crash the manifest names
 * every segment that may hold an entry, and every closed segment's length is one it lists.
 *
 * <p>Thread-safe: writes are serialized on this object (the writer rotates while compaction runs).
 */
final class Manifest {
    static final String NAME = "MANIFEST";
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper READER = new ObjectMapper();

    /** One segment as the manifest lists it; {@code length < 0} for the active segment. */
    record Listed(String name, Instant createdAt, long length, long lastSeq, long oldLength, long oldLastSeq,
                  boolean dropping) {
        static Listed active(SegmentFile s) {
            return new Listed(s.path.getFileName().toString(), s.createdAt, -1, -1, -1, -1, false);
        }

        static Listed closed(SegmentFile s) {
            return new Listed(s.path.getFileName().toString(), s.createdAt, s.end(), s.lastEntrySeq(), -1, -1, false);
        }

        boolean isActive() {
            return length < 0;
        }

        SegmentFile.Id id() {
            return SegmentFile.idOf(name);
        }

        /** Whether a closed segment of this many bytes is what this line allows. */
        boolean allowsLength(long bytes) {
            return bytes == length || (oldLength >= 0 && bytes == oldLength);
        }
    }

    /** What a manifest file says. */
    record Content(long lastSeq, List<Listed> segments) {
        Content {
            segments = List.copyOf(segments);
        }
    }

    private final WalFileSystem fs;
    private final Path dir;
    // @GuardedBy("this")
    private long lastSeq;

    Manifest(WalFileSystem fs, Path dir, long lastSeq) {
        this.fs = fs;
        this.dir = dir;
        this.lastSeq = lastSeq;
    }

    static Path path(Path dir) {
        return dir.resolve(NAME);
    }

    /** Lists {@code segments} as they are: every one closed but the last. */
    synchronized void write(SegmentSet segments) throws IOException {
        write(segments, null);
    }

    /**
     * Lists {@code segments} as they are, with {@code override} (a rewrite or deletion in progress)
     * in place of the line for the segment of the same name.
     */
    synchronized void write(SegmentSet segments, Listed override) throws IOException {
        List<SegmentFile> all = segments.all();
        List<Listed> lines = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            SegmentFile s = all.get(i);
            Listed line = i == all.size() - 1 ? Listed.active(s) : Listed.closed(s);
            if (override != null && override.name().equals(line.name())) {
                line = override;
            }
            if (!line.isActive()) {
                lastSeq = Math.max(lastSeq, Math.max(line.lastSeq(), line.oldLastSeq()));
            }
            lines.add(line);
        }
        writeDurably(fs, dir, new Content(lastSeq, lines));
    }

    /** Temp, force, rename, directory force. */
    static void writeDurably(WalFileSystem fs, Path dir, Content content) throws IOException {
        byte[] line = encode(content);
        Path temp = dir.resolve(NAME + SegmentRewrite.TEMP_SUFFIX);
        fs.delete(temp);
        try (WalFileChannel ch = fs.open(temp, WalFileSystem.OpenMode.CREATE_NEW)) {
            ActiveSegment.writeFully(ch, ByteBuffer.wrap(line), 0);
            ch.force();
        }
        fs.rename(temp, path(dir));
        fs.syncDirectory(dir);
    }

    static byte[] encode(Content content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "manifest");
            g.writeNumberField("version", LineCodec.FORMAT_VERSION);
            g.writeNumberField("lastSeq", content.lastSeq());
            g.writeArrayFieldStart("segments");
            for (Listed l : content.segments()) {
                g.writeStartObject();
                g.writeStringField("name", l.name());
                g.writeStringField("createdAt", l.createdAt().toString());
                if (!l.isActive()) {
                    g.writeNumberField("length", l.length());
                    g.writeNumberField("lastSeq", l.lastSeq());
                    if (l.oldLength() >= 0) {
                        g.writeNumberField("oldLength", l.oldLength());
                        g.writeNumberField("oldLastSeq", l.oldLastSeq());
                    }
                    if (l.dropping()) {
                        g.writeBooleanField("dropping", true);
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("serializing the manifest failed", e);
        }
        byte[] json = out.toByteArray();
        return LineCodec.frameObject(json, json.length);
    }

    /**
     * Reads {@code dir}'s manifest: null if there is none (a log of format version 1, or a new one).
     *
     * @throws WalCorruptionException if it is there but not a whole, checksum-valid manifest line
     */
    static Content read(WalFileSystem fs, Path dir) throws IOException {
        Path file = path(dir);
        WalFileSystem.EntryKind kind = fs.kindOf(file);
        if (kind == WalFileSystem.EntryKind.MISSING) {
            return null;
        }
        if (kind != WalFileSystem.EntryKind.REGULAR) {
            throw WalCorruptionException.ofFileSet(file, "the manifest is " + kind.describe());
        }
        byte[] bytes;
        try (WalFileChannel ch = fs.open(file, WalFileSystem.OpenMode.READ)) {
            long size = ch.size();
            if (size > LogReader.maxLine()) {
                throw WalCorruptionException.ofFileSet(file, "the manifest is " + size + " bytes, more than a line");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
                // read it all
            }
            bytes = buf.array();
        }
        return decode(file, bytes);
    }

    static Content decode(Path file, byte[] b) {
        int n = b.length;
        if (n < LineCodec.REST_OFFSET + 2 || b[n - 1] != '\n') {
            throw WalCorruptionException.ofFileSet(file, "the manifest is not one whole line (" + n + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(b, LineCodec.REST_OFFSET, n - 1 - LineCodec.REST_OFFSET);
        String stored = new String(b, LineCodec.CRC_OFFSET, 8, StandardCharsets.US_ASCII);
        String computed = String.format("%08x", crc.getValue());
        if (!stored.equals(computed)) {
            throw WalCorruptionException.ofFileSet(file, "the manifest's checksum is " + stored + " but its bytes give "
                    + computed);
        }
        try {
            JsonNode root = READER.readTree(b, 0, n - 1);
            if (!"manifest".equals(root.path("type").asText()) || root.path("version").asInt() < 2
                    || root.path("version").asInt() > LineCodec.FORMAT_VERSION) {
                throw WalCorruptionException.ofFileSet(file, "not a manifest of version 2 to "
                        + LineCodec.FORMAT_VERSION + ": type " + root.path("type") + ", version " + root.path("version"));
            }
            List<Listed> lines = new ArrayList<>();
            for (JsonNode s : root.path("segments")) {
                String name = s.path("name").asText();
                if (!SegmentFile.isSegmentName(name)) {
                    throw WalCorruptionException.ofFileSet(file, "the manifest lists " + name + ", not a segment name");
                }
                lines.add(new Listed(name, Instant.parse(s.path("createdAt").asText()),
                        s.has("length") ? s.path("length").asLong() : -1, s.path("lastSeq").asLong(-1),
                        s.path("oldLength").asLong(-1), s.path("oldLastSeq").asLong(-1),
                        s.path("dropping").asBoolean(false)));
            }
            return new Content(root.path("lastSeq").asLong(0), lines);
        } catch (IOException | RuntimeException e) {
            if (e instanceof WalCorruptionException w) {
                throw w;
            }
            throw WalCorruptionException.ofFileSet(file, "unreadable manifest: " + e.getMessage());
        }
    }
}
