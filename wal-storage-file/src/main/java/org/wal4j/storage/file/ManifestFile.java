package org.wal4j.storage.file;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalCorruptionException;

/**
 * The file {@code MANIFEST}: two slots of one fixed size, each holding one manifest line
 * ({@link Manifest}) stamped with a generation. The manifest is the valid slot with the higher
 * generation.
 *
 * <pre>
 *   offset 0   slot A   {"crc":"hhhhhhhh","type":"manifest","version":2,"generation":G,"slotBytes":S,
 *                        "lastSeq":N,"segments":[…]}\n   then anything (zeros, an older line's tail) up to S
 *   offset S   slot B   the same, another generation
 *   size 2·S            S a multiple of {@value #BLOCK}: the slots share no disk block
 * </pre>
 *
 * <p><b>Commit rule.</b> An update overwrites, in place, the slot that does not hold the newest
 * generation, with the next generation, and forces the file. Nothing is created, renamed or grown,
 * so an update needs no free space: the file's blocks were allocated when it was written whole
 * (ext4, xfs and tmpfs overwrite allocated blocks in place; a copy-on-write file system such as
 * btrfs or ZFS may still need a little). Until the force returns the slot may be torn (part of the
 * new line, then zeros, garbage or the older line's bytes): its checksum then fails, or its line
 * ends in the older line's {@code \n} and fails, and the other slot, the previous generation,
 * stands. The newest slot is never written, so one valid generation is on disk at every moment.
 *
 * <p>Only a line that no longer fits replaces the file: slots of twice the needed size, written whole
 * as {@code MANIFEST.tmp} (slot A the line, slot B zeros), forced, renamed over {@code MANIFEST},
 * directory forced. An update that may allocate (rotation, open: {@code keepReserve}) keeps
 * {@value #RESERVE} bytes of the slot free, so that compaction's updates (a segment marked as being
 * rewritten or deleted, perhaps one more segment a rotation just created) fit without replacing the
 * file: deleting segments on a full disk writes nothing that needs space.
 *
 * <p>Thread-safe: updates are serialized on this object; reads are static and may run beside a
 * writer in another process.
 */
final class ManifestFile {
    /** Slot sizes are multiples of this: a torn write of one slot cannot touch the other's block. */
    static final int BLOCK = 4096;
    /** Bytes an update that may allocate leaves free in its slot, for compaction's updates. */
    static final int RESERVE = 1024;
    /**
     * Reads of both slots before giving up when neither is valid. A reader beside a running log may
     * read slot A while an update overwrites it and slot B while the next update does; reading
     * again sees the slot the writer finished.
     */
    private static final int READ_ATTEMPTS = 3;

    /** The manifest on disk: the newest valid slot, its generation and the slot size. */
    record Stored(Manifest.Content content, long generation, int slot, int slotBytes) {
    }

    private final WalFileSystem fs;
    private final Path dir;
    @GuardedBy("this")
    private long generation;
    /** The slot holding the newest generation on disk, -1 if the file is to be (re)written whole. */
    @GuardedBy("this")
    private int current;
    @GuardedBy("this")
    private int slotBytes;
    /** A replacement was renamed in but the directory force failed: force it before the next update. */
    @GuardedBy("this")
    private boolean renameUnsynced;

    /** @param onDisk the manifest as read on open, or null to write the file whole on the first update */
    ManifestFile(WalFileSystem fs, Path dir, @Nullable Stored onDisk) {
        this.fs = fs;
        this.dir = dir;
        this.generation = onDisk == null ? 0 : onDisk.generation();
        this.current = onDisk == null ? -1 : onDisk.slot();
        this.slotBytes = onDisk == null ? 0 : onDisk.slotBytes();
    }

    static String slotName(int slot) {
        return slot == 0 ? "A" : "B";
    }

    /**
     * Makes {@code content} the manifest, durably, by the commit rule above.
     *
     * @param keepReserve whether an in-place update must leave {@link #RESERVE} bytes free (an update
     *                    that may allocate anyway); compaction's updates pass false
     */
    synchronized void write(Manifest.Content content, boolean keepReserve) throws IOException {
        // a generation is never used twice, even by an update that failed and may have reached the disk
        long next = ++generation;
        if (renameUnsynced) {
            // else a power loss could bring back the replaced file under updates made to the new one
            fs.syncDirectory(dir);
            renameUnsynced = false;
        }
        if (current >= 0) {
            byte[] line = Manifest.encode(content, next, slotBytes);
            if (line.length + (keepReserve ? RESERVE : 0) <= slotBytes) {
                int slot = 1 - current;
                try (WalFileChannel ch = fs.open(Manifest.path(dir), WalFileSystem.OpenMode.READ_WRITE)) {
                    ActiveSegment.writeFully(ch, ByteBuffer.wrap(line), (long) slot * slotBytes);
                    ch.force();
                }
                current = slot;
                return;
            }
        }
        replace(content, next);
    }

    /** Temp file written whole, forced, renamed over the manifest, directory forced. */
    @GuardedBy("this")
    private void replace(Manifest.Content content, long next) throws IOException {
        int size = BLOCK;
        byte[] line = Manifest.encode(content, next, size);
        while (line.length + RESERVE > size) {
            long wanted = 2L * (line.length + RESERVE);
            if (wanted > LogReader.maxLine()) {
                throw new IOException("The manifest of " + dir + " would need slots of " + wanted + " bytes, more than "
                        + LogReader.maxLine() + ": " + content.segments().size() + " segments; compact the log");
            }
            size = (int) ((wanted + BLOCK - 1) / BLOCK * BLOCK);
            line = Manifest.encode(content, next, size);
        }
        Path temp = dir.resolve(Manifest.NAME + SegmentRewrite.TEMP_SUFFIX);
        fs.delete(temp);
        try (WalFileChannel ch = fs.open(temp, WalFileSystem.OpenMode.CREATE_NEW)) {
            // every byte written, none left sparse: later updates overwrite allocated blocks
            ByteBuffer whole = ByteBuffer.allocate(2 * size);
            whole.put(line).clear();
            ActiveSegment.writeFully(ch, whole, 0);
            ch.force();
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(temp); // a full disk: give back what the temp file took
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        fs.rename(temp, Manifest.path(dir));
        // from here on the file under the name is the new one, whatever the directory force does
        current = 0;
        slotBytes = size;
        renameUnsynced = true;
        fs.syncDirectory(dir);
        renameUnsynced = false;
    }

    /**
     * Reads {@code dir}'s manifest: null if there is none (a log of format version 1, or a new one).
     *
     * @throws WalCorruptionException if it is there but neither slot holds a valid manifest line
     */
    static @Nullable Stored read(WalFileSystem fs, Path dir) throws IOException {
        Path file = Manifest.path(dir);
        WalFileSystem.EntryKind kind = fs.kindOf(file);
        if (kind == WalFileSystem.EntryKind.MISSING) {
            return null;
        }
        if (kind != WalFileSystem.EntryKind.REGULAR) {
            throw WalCorruptionException.ofFileSet(file, "the manifest is " + kind.describe());
        }
        try (WalFileChannel ch = fs.open(file, WalFileSystem.OpenMode.READ)) {
            long size = ch.size();
            if (size < 2 * BLOCK || size % (2 * BLOCK) != 0 || size / 2 > LogReader.maxLine()) {
                throw WalCorruptionException.ofFileSet(file, "the manifest is " + size + " bytes, not two slots of a "
                        + "multiple of " + BLOCK + " bytes up to " + LogReader.maxLine() + " each");
            }
            int slotSize = (int) (size / 2);
            String[] unreadable = new String[2];
            for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
                Stored newest = null;
                for (int slot = 0; slot < 2; slot++) {
                    try {
                        Stored s = readSlot(ch, slot, slotSize);
                        if (newest == null || s.generation() > newest.generation()) {
                            newest = s;
                        }
                    } catch (Manifest.Unreadable e) {
                        unreadable[slot] = e.getMessage();
                    }
                }
                if (newest != null) {
                    return newest;
                }
            }
            throw WalCorruptionException.ofFileSet(file, "neither slot of the manifest holds a valid manifest line: "
                    + "slot A: " + unreadable[0] + "; slot B: " + unreadable[1]);
        }
    }

    private static Stored readSlot(WalFileChannel ch, int slot, int slotSize) throws IOException, Manifest.Unreadable {
        ByteBuffer buf = ByteBuffer.allocate(slotSize);
        long at = (long) slot * slotSize;
        while (buf.hasRemaining() && ch.read(buf, at + buf.position()) >= 0) {
            // read the whole slot
        }
        byte[] b = buf.array();
        int end = -1;
        for (int i = 0; i < buf.position(); i++) {
            if (b[i] == '\n') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            throw new Manifest.Unreadable("no whole line (torn, or never written)");
        }
        Manifest.Decoded d = Manifest.decode(b, end);
        if (d.slotBytes() != slotSize || d.generation() < 1) {
            throw new Manifest.Unreadable("generation " + d.generation() + " for slots of " + d.slotBytes()
                    + " bytes, in a file of slots of " + slotSize + " bytes");
        }
        return new Stored(d.content(), d.generation(), slot, slotSize);
    }
}
