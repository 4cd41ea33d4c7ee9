package org.wal4j.storage.file;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalLockedException;

/**
 * The exclusive lock on a log directory: an OS file lock on {@code <dir>/LOCK}, whose content
 * names the holder (pid, host, since when) for the message a second opener gets.
 *
 * <p>The OS lock is a POSIX record lock on Linux and macOS: it belongs to the process, and
 * closing any descriptor of {@code LOCK} in this JVM would release it. So the directory is first
 * claimed in the process-wide {@link HeldLogs} registry, which refuses a directory this JVM
 * already holds (under any path to it) before a descriptor is opened; only then is {@code LOCK}
 * opened, and a second opener refused by another process reads the holder through the same
 * descriptor, never a second one.
 *
 * <p>The {@code LOCK} file is never deleted: deleting it would let a third opener lock a new file
 * of the same name while the second still holds the old one.
 *
 * <p>Thread-safe.
 */
final class DirectoryLock implements Closeable {
    static final String FILE_NAME = "LOCK";
    private static final int HOLDER_BYTES = 512;

    private final HeldLogs.Claim claim;
    private final WalFileChannel channel;
    private final Closeable lock;
    private boolean released;

    private DirectoryLock(HeldLogs.Claim claim, WalFileChannel channel, Closeable lock) {
        this.claim = claim;
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws WalLockedException if another process or another open storage of this JVM holds it */
    static DirectoryLock acquire(WalFileSystem fs, Path dir) throws IOException {
        Path lockFile = dir.resolve(FILE_NAME);
        String me = holderId();
        HeldLogs.Claim claim = HeldLogs.claim(dir, me);
        WalFileChannel channel = null;
        try {
            channel = fs.open(lockFile, WalFileSystem.OpenMode.CREATE_OR_OPEN);
            Closeable lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // this JVM locked the same file through a path the registry did not recognise:
                // closing this descriptor would release that lock, so it stays open
                HeldLogs.park(channel);
                channel = null;
                throw new WalLockedException(lockFile, "another open FileWalStorage in this JVM, through another "
                        + "path to the same LOCK file");
            }
            if (lock == null) {
                throw new WalLockedException(lockFile, describe(readHolder(channel)));
            }
            channel.truncate(0);
            ActiveSegment.writeFully(channel, ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            HeldLogs.locked(claim);
            return new DirectoryLock(claim, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close(); // this JVM holds no lock on the file: closing releases nothing
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            HeldLogs.release(claim);
            throw e;
        }
    }

    private static String describe(@Nullable String holder) {
        return holder == null || holder.isBlank() ? "holder unknown" : holder;
    }

    /**
     * The holder another process wrote, read through the descriptor already open (a second one is never
     * opened); null if the file is empty or unreadable.
     */
    private static @Nullable String readHolder(WalFileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(HOLDER_BYTES);
            int n = channel.read(buf, 0);
            return n <= 0 ? null : new String(buf.array(), 0, n, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code pid 1234 on host db-1 since 2026-01-01T00:00:00Z}. */
    static String holderId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return "pid " + ProcessHandle.current().pid() + " on host " + host + " since " + Instant.now();
    }

    @Override
    public synchronized void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            lock.close();
        } catch (IOException e) {
            // closing the channel below releases the OS lock anyway
        } finally {
            try {
                channel.close();
            } finally {
                HeldLogs.release(claim);
            }
        }
    }
}
