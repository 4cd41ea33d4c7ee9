package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.WalCorruptionException;
import org.wal4j.storage.file.FaultInjectingFileSystem.Op;

/**
 * The {@code MANIFEST}'s two slots ({@link ManifestFile}): a slot overwrite torn at any byte, with
 * zeros, garbage or the older line's bytes after the cut, or with any subset of its 512-byte
 * sectors landed, leaves the previous generation readable; an update overwrites in place and needs
 * no free space (a real full tmpfs); only a line that outgrows its slot replaces the file, never a
 * compaction's update; a manifest with no valid slot is named with both reasons.
 */
class ManifestFileTest {
    private static final int SECTOR = 512;

    @TempDir
    Path dir;

    private final Random random = new Random(10);

    /** {@code n} closed segments and an active one; the first {@code dropping} closed ones marked as being deleted. */
    private static Manifest.Content content(int n, int dropping) {
        List<Manifest.Listed> lines = new ArrayList<>();
        Instant t = Instant.parse("2026-01-01T00:00:00.123456789Z");
        for (int i = 0; i < n; i++) {
            lines.add(new Manifest.Listed(SegmentFile.fileName(new SegmentFile.Id(1 + 10L * i, 0)), t.plusSeconds(i),
                    1000 + i, 10L * i + 10, -1, -1, i < dropping));
        }
        lines.add(new Manifest.Listed(SegmentFile.fileName(new SegmentFile.Id(1 + 10L * n, 0)), t.plusSeconds(n),
                -1, -1, -1, -1, false));
        return new Manifest.Content(10L * n, lines);
    }

    private Path file() {
        return Manifest.path(dir);
    }

    @Test
    void tornSlotOverwrite_atEveryByteAndEverySectorSubset_leavesThePreviousGeneration() throws IOException {
        ManifestFile manifest = new ManifestFile(WalFileSystem.real(), dir, null);
        manifest.write(content(24, 0), true); // generation 1, slot A (the file written whole)
        manifest.write(content(25, 0), true); // generation 2, slot B
        byte[] before = Files.readAllBytes(file());
        Manifest.Content newer = content(25, 1);
        manifest.write(newer, false); // generation 3, slot A, in place
        byte[] after = Files.readAllBytes(file());
        assertEquals(before.length, after.length, "overwritten in place");
        int slotBytes = before.length / 2;
        assertTrue(Arrays.equals(before, slotBytes, 2 * slotBytes, after, slotBytes, 2 * slotBytes),
                "slot B untouched");
        int line = indexOf(after, (byte) '\n') + 1;
        assertTrue(line > 3 * SECTOR, "the line spans several sectors: " + line);

        int cases = 0;
        for (int cut = 0; cut <= line; cut++) {
            for (String filler : List.of("old", "zeros", "garbage")) {
                byte[] torn = before.clone();
                System.arraycopy(after, 0, torn, 0, cut);
                if (!filler.equals("old")) {
                    byte[] rest = new byte[line - cut];
                    if (filler.equals("garbage")) {
                        random.nextBytes(rest);
                    }
                    System.arraycopy(rest, 0, torn, cut, rest.length);
                }
                expectGenerationFrom(torn, after, line, newer, "cut at byte " + cut + ", then " + filler);
                cases++;
            }
        }
        int sectors = (line + SECTOR - 1) / SECTOR;
        for (int landed = 0; landed < 1 << sectors; landed++) {
            byte[] torn = before.clone();
            for (int s = 0; s < sectors; s++) {
                if ((landed & 1 << s) != 0) {
                    int from = s * SECTOR;
                    System.arraycopy(after, from, torn, from, Math.min(SECTOR, line - from));
                }
            }
            expectGenerationFrom(torn, after, line, newer, "sectors landed " + Integer.toBinaryString(landed));
            cases++;
        }
        System.out.println("ManifestFileTest: " + cases + " torn overwrites of a " + line + "-byte line in "
                + sectors + " sectors, each read back as one whole generation");

        // the next update after a torn one goes to the torn slot again and leaves the standing one
        Files.write(file(), Arrays.copyOf(before, before.length));
        ManifestFile.Stored stood = ManifestFile.read(WalFileSystem.real(), dir);
        assertEquals(2, stood.generation());
        new ManifestFile(WalFileSystem.real(), dir, stood).write(content(3, 0), false);
        ManifestFile.Stored next = ManifestFile.read(WalFileSystem.real(), dir);
        assertEquals(3, next.generation());
        assertEquals(0, next.slot());
        assertEquals(content(3, 0), next.content());
    }

    /** Generation 3 ({@code newer}) if slot A's line landed whole, else generation 2: never nothing. */
    private void expectGenerationFrom(byte[] torn, byte[] after, int line, Manifest.Content newer, String how)
            throws IOException {
        Files.write(file(), torn);
        ManifestFile.Stored read = ManifestFile.read(WalFileSystem.real(), dir);
        boolean whole = Arrays.equals(torn, 0, line, after, 0, line);
        assertEquals(whole ? 3 : 2, read.generation(), how);
        assertEquals(whole ? newer : content(25, 0), read.content(), how);
    }

    @Test
    void onlyALineOutgrowingItsSlotReplacesTheFile_neverACompactionUpdate() throws IOException {
        List<String> renames = new ArrayList<>();
        WalFileSystem counting = new ForwardingFileSystem() {
            @Override
            public void rename(Path source, Path target) throws IOException {
                renames.add(source.getFileName() + " -> " + target.getFileName());
                super.rename(source, target);
            }
        };
        ManifestFile manifest = new ManifestFile(counting, dir, null);
        int updates = 0;
        for (int n = 0; n <= 400; n++) {
            manifest.write(content(n, 0), true); // a rotation: may replace the file
            int replacedSoFar = renames.size();
            long size = Files.size(file());
            // compaction while a rotation adds a segment: one marked, one more listed; in place
            manifest.write(content(n + 1, 1), false);
            assertEquals(replacedSoFar, renames.size(), "a compaction update replaced the file at " + n + " segments");
            assertEquals(size, Files.size(file()));
            assertEquals(0, size % (2 * ManifestFile.BLOCK), "slots of a multiple of 4096 bytes: " + size);
            assertEquals(content(n + 1, 1), ManifestFile.read(WalFileSystem.real(), dir).content());
            updates += 2;
        }
        System.out.println("ManifestFileTest: " + updates + " updates up to 401 segments, " + renames.size()
                + " replacements of the file (" + Files.size(file()) + " bytes at the end)");
        assertTrue(renames.size() <= 7, renames.toString());
        assertTrue(renames.stream().allMatch(r -> r.equals("MANIFEST.tmp -> MANIFEST")), renames.toString());
    }

    @Test
    void noValidSlot_isNamedWithBothReasons() throws IOException {
        ManifestFile manifest = new ManifestFile(WalFileSystem.real(), dir, null);
        manifest.write(content(2, 0), true);
        manifest.write(content(3, 0), true);
        byte[] bytes = Files.readAllBytes(file());
        int slotBytes = bytes.length / 2;
        Arrays.fill(bytes, 0, slotBytes, (byte) 0);
        bytes[slotBytes + 40] ^= 1;
        Files.write(file(), bytes);
        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> ManifestFile.read(WalFileSystem.real(), dir));
        assertTrue(Pattern.matches(Pattern.quote("Log file set damaged at " + file() + ": neither slot of the "
                + "manifest holds a valid manifest line: slot A: no whole line (torn, or never written); slot B: the "
                + "checksum is ") + "[0-9a-f]{8} but the bytes give [0-9a-f]{8}", e.getMessage()), e.getMessage());
        assertEquals(file(), e.file());

        Files.write(file(), Arrays.copyOf(bytes, 5000));
        e = assertThrows(WalCorruptionException.class, () -> ManifestFile.read(WalFileSystem.real(), dir));
        assertEquals("Log file set damaged at " + file() + ": the manifest is 5000 bytes, not two slots of a "
                + "multiple of 4096 bytes up to " + LogReader.maxLine() + " each", e.getMessage());
    }

    @Test
    void fullDisk_updatesInPlaceSucceed_aGrowingOneFailsAndThePreviousGenerationStands() throws IOException {
        SmallDisk disk;
        try {
            disk = SmallDisk.mount(dir.resolve("mnt"), 256);
        } catch (IOException e) {
            if (SmallDisk.mustMount()) {
                fail("running as root, the tmpfs variant must run, but mounting failed: " + e.getMessage());
            }
            System.out.println("ManifestFileTest: full disk, variant fault-injecting file system (no tmpfs: "
                    + e.getMessage() + ")");
            FaultInjectingFileSystem fs = new FaultInjectingFileSystem(3);
            Files.createDirectories(dir.resolve("log"));
            fullDisk(fs, dir.resolve("log"), () -> fs.failOn(Op.CREATE, 1, true, FaultInjectingFileSystem::noSpace));
            return;
        }
        try {
            System.out.println("ManifestFileTest: full disk, variant real tmpfs of 256 KiB");
            Files.createDirectories(disk.root().resolve("log"));
            fullDisk(WalFileSystem.real(), disk.root().resolve("log"), () -> {
                disk.fill();
                assertEquals(0, disk.usableBytes(), "the disk is 100 % full");
            });
        } finally {
            disk.close();
        }
    }

    private static void fullDisk(WalFileSystem fs, Path log, Runnable fill) throws IOException {
        ManifestFile manifest = new ManifestFile(fs, log, null);
        manifest.write(content(10, 0), true);
        fill.run();
        for (int i = 1; i <= 10; i++) {
            manifest.write(content(10 - i, 1), false); // compaction marking and deleting, on a full disk
            assertEquals(content(10 - i, 1), ManifestFile.read(fs, log).content());
        }
        manifest.write(content(12, 0), true); // still fits its slot
        IOException full = assertThrows(IOException.class, () -> manifest.write(content(200, 0), true));
        assertTrue(IoErrors.isDiskFull(full), full.toString());
        ManifestFile.Stored stood = ManifestFile.read(fs, log);
        assertEquals(content(12, 0), stood.content(), "the failed growth left the previous generation");
        assertEquals(12, stood.generation());
    }

    private static int indexOf(byte[] b, byte value) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
