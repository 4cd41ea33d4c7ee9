package org.wal4j.storage.file;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalCorruptionException;

/**
 * The log's list of the segment files it must have, in order, as one manifest line framed and
 * checksummed like a log line ({@link LineCodec}); the file {@code MANIFEST} holds it in one of two
 * slots, overwritten in place ({@link ManifestFile}: layout and commit rule).
 *
 * <pre>
 *   {"crc":"hhhhhhhh","type":"manifest","version":2,"generation":G,"slotBytes":S,"lastSeq":N,"segments":[
 *      {"name":"…wal","createdAt":"ISO-8601","length":N,"lastSeq":N},     closed segment
 *      {"name":"…wal","createdAt":"ISO-8601","length":N,"lastSeq":N,
 *                     "oldLength":N,"oldLastSeq":N},                      closed, being rewritten
 *      {"name":"…wal","createdAt":"ISO-8601","length":N,"lastSeq":N,
 *                     "dropping":true},                                   closed, being deleted
 *      {"name":"…wal","createdAt":"ISO-8601"}]}                          the active segment (last)
 *
 *   generation one more on every update: the higher of the two valid slots is the manifest
 *   slotBytes  the size of each slot of the file the line was written for
 *   lastSeq    the highest entry seq the log has ever held in a closed segment: never issued again
 *   createdAt  the segment header's creation time, to the nanosecond: tells a segment from a copy
 *              of another log's (or an older) segment with the same name
 * </pre>
 *
 * <p><b>When it is written.</b> After a new segment is created and its directory entry forced
 * (rotation), before a compaction renames a rewritten segment over the old one (listing both
 * lengths), before a compaction deletes a segment it emptied (marked {@code dropping}), and at the
 * end of every open. So after any crash the manifest names every segment that may hold an entry,
 * and every closed segment's length is one it lists. Compaction's updates overwrite a slot in place
 * and need no free space: deleting on a 100 % full disk works.
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

    /** A manifest line as decoded from a slot. */
    record Decoded(Content content, long generation, int slotBytes) {
    }

    /** Why a slot holds no valid manifest line. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    private final ManifestFile file;
    @GuardedBy("this")
    private long lastSeq;

    /** @param onDisk the manifest read on open, or null if there was none (or none readable) */
    Manifest(WalFileSystem fs, Path dir, long lastSeq, ManifestFile.@Nullable Stored onDisk) {
        this.file = new ManifestFile(fs, dir, onDisk);
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
    synchronized void write(SegmentSet segments, @Nullable Listed override) throws IOException {
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
        // rotation and open may allocate anyway; compaction's updates must fit in place
        file.write(new Content(lastSeq, lines), override == null);
    }

    /** The manifest line of {@code content}, stamped with its generation and the slot size it is for. */
    static byte[] encode(Content content, long generation, int slotBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "manifest");
            g.writeNumberField("version", LineCodec.FORMAT_VERSION);
            g.writeNumberField("generation", generation);
            g.writeNumberField("slotBytes", slotBytes);
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
     * Reads {@code dir}'s manifest ({@link ManifestFile#read}): null if there is none (a log of
     * format version 1, or a new one).
     *
     * @throws WalCorruptionException if it is there but neither slot holds a valid manifest line
     */
    static ManifestFile.@Nullable Stored read(WalFileSystem fs, Path dir) throws IOException {
        return ManifestFile.read(fs, dir);
    }

    /** Decodes the manifest line {@code b[0, end)} ({@code \n} last). */
    static Decoded decode(byte[] b, int end) throws Unreadable {
        if (end < LineCodec.REST_OFFSET + 2 || b[end - 1] != '\n') {
            throw new Unreadable("not one whole line (" + end + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(b, LineCodec.REST_OFFSET, end - 1 - LineCodec.REST_OFFSET);
        String stored = new String(b, LineCodec.CRC_OFFSET, 8, StandardCharsets.US_ASCII);
        String computed = String.format("%08x", crc.getValue());
        if (!stored.equals(computed)) {
            throw new Unreadable("the checksum is " + stored + " but the bytes give " + computed);
        }
        try {
            JsonNode root = READER.readTree(b, 0, end - 1);
            if (!"manifest".equals(root.path("type").asText()) || root.path("version").asInt() < 2
                    || root.path("version").asInt() > LineCodec.FORMAT_VERSION) {
                throw new Unreadable("not a manifest of version 2 to " + LineCodec.FORMAT_VERSION + ": type "
                        + root.path("type") + ", version " + root.path("version"));
            }
            List<Listed> lines = new ArrayList<>();
            for (JsonNode s : root.path("segments")) {
                String name = s.path("name").asText();
                if (!SegmentFile.isSegmentName(name)) {
                    throw new Unreadable("it lists " + name + ", not a segment name");
                }
                lines.add(new Listed(name, Instant.parse(s.path("createdAt").asText()),
                        s.has("length") ? s.path("length").asLong() : -1, s.path("lastSeq").asLong(-1),
                        s.path("oldLength").asLong(-1), s.path("oldLastSeq").asLong(-1),
                        s.path("dropping").asBoolean(false)));
            }
            return new Decoded(new Content(root.path("lastSeq").asLong(0), lines), root.path("generation").asLong(0),
                    root.path("slotBytes").asInt(0));
        } catch (IOException | RuntimeException e) {
            throw new Unreadable("unreadable manifest line: " + e.getMessage());
        }
    }
}
