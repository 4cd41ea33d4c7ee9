package org.wal4j.storage.file;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.wal4j.WalLockedException;

/**
 * The exclusive lock on a log directory: an OS file lock on {@code <dir>/LOCK}, whose content
 * names the holder (pid, host, since when) for the message a second opener gets. The OS lock is
 * per process, and {@code FileChannel.tryLock} throws {@link OverlappingFileLockException} rather
 * than failing cleanly when the same JVM locks twice, so a JVM-wide set of locked directories
 * guards against a second open in this process first.
 *
 * <p>The {@code LOCK} file is never deleted: deleting it would let a third opener lock a new file
 * of the same name while the second still holds the old one.
 *
 * <p>Thread-safe.
 */
final class DirectoryLock implements Closeable {
    static final String FILE_NAME = "LOCK";
    private static final Set<Path> LOCKED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final WalFileChannel channel;
    private final Closeable lock;
    private boolean released;

    private DirectoryLock(Path key, WalFileChannel channel, Closeable lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws WalLockedException if another process or another open storage of this JVM holds it */
    static DirectoryLock acquire(WalFileSystem fs, Path dir) throws IOException {
        Path lockFile = dir.resolve(FILE_NAME);
        Path key = dir.toAbsolutePath().normalize();
        if (!LOCKED_IN_THIS_JVM.add(key)) {
            throw new WalLockedException(lockFile, "another open FileWalStorage in this JVM, " + describe(readHolder(fs,
                    lockFile)));
        }
        WalFileChannel channel = null;
        try {
            channel = fs.open(lockFile, WalFileSystem.OpenMode.CREATE_OR_OPEN);
            Closeable lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(fs, lockFile);
                throw new WalLockedException(lockFile, describe(holder));
            }
            byte[] me = (holderId() + "\n").getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            ActiveSegment.writeFully(channel, ByteBuffer.wrap(me), 0);
            return new DirectoryLock(key, channel, lock);
        } catch (IOException | RuntimeException e) {
            LOCKED_IN_THIS_JVM.remove(key);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** True while a storage of this JVM holds the lock on {@code dir}. */
    static boolean heldInThisJvm(Path dir) {
        return LOCKED_IN_THIS_JVM.contains(dir.toAbsolutePath().normalize());
    }

    private static String describe(String holder) {
        return holder == null || holder.isBlank() ? "holder unknown" : holder;
    }

    private static String readHolder(WalFileSystem fs, Path lockFile) {
        try (WalFileChannel ch = fs.open(lockFile, WalFileSystem.OpenMode.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(512);
            int n = ch.read(buf, 0);
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
                LOCKED_IN_THIS_JVM.remove(key);
            }
        }
    }
}
