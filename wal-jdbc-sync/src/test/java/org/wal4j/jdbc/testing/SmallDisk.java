package org.wal4j.jdbc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for full-disk tests: a tmpfs of a given size mounted on a directory
 * (needs root, as CI runs), and a filler file that takes every free byte of it. {@link #close()}
 * unmounts. Tests that cannot mount fall back to the fault-injecting file system and say so;
 * {@link #mustMount()} tells them whether falling back is allowed here.
 *
 * (A copy of wal-storage-file's test helper of the same name: test code is not shared between
 * modules through test jars, which the demo's `compile` would have to resolve.)
 *
 * <p>Not thread-safe.
 */
public final class SmallDisk implements AutoCloseable {
    private static final int CHUNK = 4096;

    private final Path mountPoint;
    private final Path filler;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    /**
     * Mounts a tmpfs of {@code kib} KiB on {@code mountPoint} (created if needed).
     *
     * @return the mounted disk
     * @throws IOException naming the command's output if mounting failed
     */
    public static SmallDisk mount(Path mountPoint, int kib) throws IOException {
        Files.createDirectories(mountPoint);
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", mountPoint.toString()));
        return new SmallDisk(mountPoint);
    }

    /** True when running as root: then the tmpfs variant must run, and a failed mount is a failure, not a skip. */
    public static boolean mustMount() {
        return "root".equals(System.getProperty("user.name"));
    }

    public Path root() {
        return mountPoint;
    }

    /** Free bytes as the file system reports them. */
    public long usableBytes() {
        try {
            return Files.getFileStore(mountPoint).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Grows the filler file until a write fails with "No space left on device": the disk is then
     * 100 % full.
     *
     * @return the filler's size
     */
    public long fill() {
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
            long at = ch.size();
            while (true) {
                chunk.clear();
                try {
                    at += ch.write(chunk, at);
                } catch (IOException e) {
                    if (e.getMessage() == null || !e.getMessage().contains("No space left on device")) {
                        throw e;
                    }
                    return at;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Filling " + mountPoint + " failed", e);
        }
    }

    /** Deletes the filler: the disk has room again. */
    public void free() {
        try {
            Files.deleteIfExists(filler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        run(List.of("umount", mountPoint.toString()));
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted running " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + output);
        }
    }
}
