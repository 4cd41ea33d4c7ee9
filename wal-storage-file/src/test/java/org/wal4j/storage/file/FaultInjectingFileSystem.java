package org.wal4j.storage.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link WalFileSystem} over the real one that can fail any call and simulate a power loss, as
 * RocksDB's {@code FaultInjectionTestFS} does. It remembers, per file, the content as of its last
 * force, and the creates, renames and deletes done since the last directory fsync. A
 * {@link #crash(CrashMode)} then puts every file back to what a power loss would leave: its forced
 * content (plus, in the partial modes, a random part of what was written after, followed by zeros
 * or garbage where the file had grown), and undoes the directory operations not yet fsynced (all
 * of them, or all but a random prefix), including directories created since their parent's last
 * fsync. After a crash every call fails until {@link #reboot()},
 * and channels opened before it stay dead, so an abandoned storage cannot touch the "rebooted"
 * disk.
 *
 * <p>Faults: {@link #failOn} fails the n-th call of a kind (once or from then on),
 * {@link #crashAfterCall} cuts the power right after the n-th I/O call of any kind. Every call is
 * counted ({@link #calls()}), so a test can run a workload once to count its calls and then crash
 * after each one.
 *
 * <p>Thread-safe: every call is serialized on one lock, which keeps crash points deterministic for
 * a single-threaded workload.
 */
public final class FaultInjectingFileSystem implements WalFileSystem {

    /** The kinds of calls that can be failed. */
    public enum Op {
        OPEN, CREATE, READ, WRITE, FORCE, TRUNCATE, SIZE, LIST, RENAME, DELETE, DIRSYNC, LOCK, MKDIR
    }

    /** What a power loss leaves of data written after the last force. */
    public enum CrashMode {
        /** Nothing: every file is as of its last force, every unsynced directory operation undone. */
        DROP_UNSYNCED,
        /** A random prefix of the unforced bytes survives, and a random prefix of the directory operations. */
        KEEP_RANDOM_PREFIX,
        /** As {@link #KEEP_RANDOM_PREFIX}, then zeros up to a random length (the file grew, the data did not land). */
        RANDOM_PREFIX_THEN_ZEROS,
        /** As {@link #KEEP_RANDOM_PREFIX}, then random garbage up to a random length. */
        RANDOM_PREFIX_THEN_GARBAGE
    }

    /**
     * The per-inode knowledge: content as of the last force, and how far writes since then reached.
     * Moves with the file on rename.
     */
    private static final class FileState {
        byte[] durable;
        /**
         * The end of the furthest write since the last force, -1 if none: a power loss can change
         * only bytes written since (an overwrite in place tears inside what it wrote, never after).
         */
        long dirtyEnd = -1;

        FileState(byte[] durable) {
            this.durable = durable;
        }
    }

    private record DirOp(String kind, Path path, Path target, FileState state, FileState replaced) {
    }

    private static final class Fault {
        final Op op;
        final Predicate<Path> paths;
        int countdown;
        final boolean persistent;
        final Supplier<IOException> error;
        final boolean partialWrite;

        Fault(Op op, Predicate<Path> paths, int nth, boolean persistent, Supplier<IOException> error,
              boolean partialWrite) {
            this.op = op;
            this.paths = paths;
            this.countdown = nth;
            this.persistent = persistent;
            this.error = error;
            this.partialWrite = partialWrite;
        }
    }

    private final WalFileSystem real;
    private final Object lock = new Object();
    private final Random random;
    // @GuardedBy("lock")
    private final Map<Path, FileState> files = new HashMap<>();
    private final List<DirOp> unsyncedDirOps = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private final List<FaultChannel> openChannels = new ArrayList<>();
    private long calls;
    private final Map<Op, Long> callsByOp = new java.util.EnumMap<>(Op.class);
    private long crashAtCall = -1;
    private CrashMode crashAtCallMode;
    private boolean down;
    private int generation;
    private int crashes;
    private Op crashedAfter;
    private Path crashedAfterPath;

    public FaultInjectingFileSystem(long seed) {
        this(seed, WalFileSystem.real());
    }

    /**
     * Over {@code underlying} instead of the real file system: a test that only needs the
     * simulated power loss may pass one whose forces do nothing, since what survives a crash here
     * is decided by this class's own record of forced content, not by the disk.
     */
    FaultInjectingFileSystem(long seed, WalFileSystem underlying) {
        this.random = new Random(seed);
        this.real = underlying;
    }

    /** The error a full disk gives on Linux. */
    public static IOException noSpace() {
        return new IOException("No space left on device");
    }

    /** An I/O error as a failing disk gives it. */
    public static IOException ioError() {
        return new IOException("Input/output error (injected)");
    }

    /**
     * Fails the {@code nth} call of kind {@code op} from now on (1 = the next), with {@code error};
     * every later one too if {@code persistent}.
     */
    public FaultInjectingFileSystem failOn(Op op, int nth, boolean persistent, Supplier<IOException> error) {
        return failOn(op, path -> true, nth, persistent, error, false);
    }

    /**
     * As {@link #failOn(Op, int, boolean, Supplier)}, only for paths {@code paths} accepts; a failed
     * {@link Op#WRITE} with {@code partialWrite} first writes a random part of its bytes, as a write
     * cut short by a full disk does.
     */
    public FaultInjectingFileSystem failOn(Op op, Predicate<Path> paths, int nth, boolean persistent,
                                           Supplier<IOException> error, boolean partialWrite) {
        if (nth < 1) {
            throw new IllegalArgumentException("nth must be at least 1 but was " + nth);
        }
        synchronized (lock) {
            faults.add(new Fault(op, paths, nth, persistent, error, partialWrite));
        }
        return this;
    }

    public void clearFaults() {
        synchronized (lock) {
            faults.clear();
        }
    }

    /** Cuts the power right after I/O call number {@code call} (counted by {@link #calls()}) completes. */
    public void crashAfterCall(long call, CrashMode mode) {
        synchronized (lock) {
            crashAtCall = call;
            crashAtCallMode = mode;
        }
    }

    /** I/O calls made so far. */
    public long calls() {
        synchronized (lock) {
            return calls;
        }
    }

    /** I/O calls of kind {@code op} made so far. */
    public long calls(Op op) {
        synchronized (lock) {
            return callsByOp.getOrDefault(op, 0L);
        }
    }

    /** Power losses simulated so far. */
    public int crashes() {
        synchronized (lock) {
            return crashes;
        }
    }

    /** The kind of call the last {@link #crashAfterCall} crash happened after, or null. */
    public Op crashedAfter() {
        synchronized (lock) {
            return crashedAfter;
        }
    }

    /** The file or directory of the call the last {@link #crashAfterCall} crash happened after, or null. */
    public Path crashedAfterPath() {
        synchronized (lock) {
            return crashedAfterPath;
        }
    }

    public boolean isDown() {
        synchronized (lock) {
            return down;
        }
    }

    /** Simulates a power loss now; every call fails until {@link #reboot()}. */
    public void crash(CrashMode mode) {
        synchronized (lock) {
            try {
                crashLocked(mode);
            } catch (IOException e) {
                throw new IllegalStateException("simulating the power loss failed", e);
            }
        }
    }

    /** Brings the "machine" back: calls work again (channels opened before the crash stay dead). */
    public void reboot() {
        synchronized (lock) {
            down = false;
            crashAtCall = -1;
        }
    }

    private void crashLocked(CrashMode mode) throws IOException {
        down = true;
        generation++;
        crashes++;
        for (FaultChannel ch : openChannels) {
            ch.closeReal();
        }
        openChannels.clear();
        int keep = mode == CrashMode.DROP_UNSYNCED ? 0 : random.nextInt(unsyncedDirOps.size() + 1);
        for (int i = unsyncedDirOps.size() - 1; i >= keep; i--) {
            undo(unsyncedDirOps.get(i));
        }
        unsyncedDirOps.clear();
        for (Iterator<Map.Entry<Path, FileState>> it = files.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, FileState> e = it.next();
            Path path = e.getKey();
            if (!Files.exists(path)) {
                it.remove();
                continue;
            }
            byte[] current = Files.readAllBytes(path);
            byte[] after = afterPowerLoss(current, e.getValue().durable, e.getValue().dirtyEnd, mode);
            Files.write(path, after);
            e.getValue().durable = after;
            e.getValue().dirtyEnd = -1;
        }
    }

    private void undo(DirOp op) throws IOException {
        switch (op.kind) {
            case "create":
                Files.deleteIfExists(op.path);
                files.remove(op.path);
                break;
            case "mkdir":
                // the directory's entry in its parent never reached the disk: it and all in it are gone
                if (Files.exists(op.path)) {
                    try (java.util.stream.Stream<Path> walk = Files.walk(op.path)) {
                        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.delete(p);
                        }
                    }
                }
                files.keySet().removeIf(p -> p.startsWith(op.path));
                break;
            case "rename":
                if (Files.exists(op.target)) {
                    Files.move(op.target, op.path);
                }
                files.remove(op.target);
                files.put(op.path, op.state);
                if (op.replaced != null) {
                    Files.write(op.target, op.replaced.durable);
                    files.put(op.target, op.replaced);
                }
                break;
            default: // delete
                Files.write(op.path, op.state.durable);
                files.put(op.path, op.state);
                break;
        }
    }

    /**
     * What a power loss leaves of a file: its durable bytes, then (partial modes) from the first byte
     * that differs a random prefix of what was written since the last force, then zeros or garbage,
     * then the durable bytes again. Only bytes up to {@code dirtyEnd} change: a torn overwrite in the
     * middle of a file (the manifest's slot) leaves the bytes after what it wrote as they were.
     */
    private byte[] afterPowerLoss(byte[] current, byte[] durable, long dirtyEnd, CrashMode mode) {
        if (mode == CrashMode.DROP_UNSYNCED || Arrays.equals(current, durable)) {
            return durable;
        }
        int common = 0;
        int max = Math.min(current.length, durable.length);
        while (common < max && current[common] == durable[common]) {
            common++;
        }
        int end = dirtyEnd < 0 ? current.length : (int) Math.min(current.length, dirtyEnd);
        int unsynced = Math.max(0, end - common);
        int kept = unsynced <= 0 ? 0 : random.nextInt(unsynced + 1);
        int filler = 0;
        if (mode != CrashMode.KEEP_RANDOM_PREFIX && unsynced - kept > 0) {
            filler = 1 + random.nextInt(unsynced - kept);
        }
        int length = Math.max(common + kept + filler, durable.length);
        byte[] out = new byte[length];
        System.arraycopy(current, 0, out, 0, common + kept);
        if (mode == CrashMode.RANDOM_PREFIX_THEN_GARBAGE && filler > 0) {
            byte[] garbage = new byte[filler];
            random.nextBytes(garbage);
            System.arraycopy(garbage, 0, out, common + kept, filler);
        }
        int tail = common + kept + filler;
        if (durable.length > tail) {
            System.arraycopy(durable, tail, out, tail, durable.length - tail);
        }
        return out;
    }

    /** Counts a call, fails it if a fault says so; must hold the lock. */
    private Fault before(Op op, Path path, int channelGeneration) throws IOException {
        if (down || channelGeneration != generation) {
            throw new IOException("simulated power loss: the machine is down (" + op + " " + path + ")");
        }
        calls++;
        callsByOp.merge(op, 1L, Long::sum);
        for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
            Fault f = it.next();
            if (f.op == op && f.paths.test(path) && --f.countdown <= 0) {
                if (!f.persistent) {
                    it.remove();
                }
                return f;
            }
        }
        return null;
    }

    private void after(Op op, Path path) throws IOException {
        if (calls == crashAtCall) {
            crashedAfter = op;
            crashedAfterPath = path;
            crashLocked(crashAtCallMode);
        }
    }

    private interface IoCall<T> {
        T run() throws IOException;
    }

    private <T> T call(Op op, Path path, int channelGeneration, IoCall<T> action) throws IOException {
        synchronized (lock) {
            Fault fault = before(op, path, channelGeneration);
            if (fault != null) {
                throw fault.error.get();
            }
            T result = action.run();
            after(op, path);
            return result;
        }
    }

    private FileState stateOf(Path path) throws IOException {
        FileState state = files.get(path);
        if (state == null) {
            state = new FileState(Files.exists(path) ? Files.readAllBytes(path) : new byte[0]);
            files.put(path, state);
        }
        return state;
    }

    @Override
    public WalFileChannel open(Path file, OpenMode mode) throws IOException {
        Op op = mode == OpenMode.CREATE_NEW || mode == OpenMode.CREATE_OR_OPEN && !Files.exists(file)
                ? Op.CREATE : Op.OPEN;
        synchronized (lock) {
            return call(op, file, generation, () -> {
                boolean existed = Files.exists(file);
                WalFileChannel ch = real.open(file, mode);
                FileState state;
                if (!existed) {
                    state = new FileState(new byte[0]);
                    files.put(file, state);
                    unsyncedDirOps.add(new DirOp("create", file, null, state, null));
                } else {
                    state = stateOf(file);
                }
                FaultChannel wrapped = new FaultChannel(file, ch, state, generation);
                openChannels.add(wrapped);
                return wrapped;
            });
        }
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        synchronized (lock) {
            return call(Op.LIST, dir, generation, () -> real.list(dir));
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        synchronized (lock) {
            call(Op.MKDIR, dir, generation, () -> {
                List<Path> created = new ArrayList<>();
                for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
                    created.add(p);
                }
                real.createDirectories(dir);
                // outermost first: undone last-to-first, a power loss takes the inner ones, then the outer
                for (int i = created.size() - 1; i >= 0; i--) {
                    unsyncedDirOps.add(new DirOp("mkdir", created.get(i), null, null, null));
                }
                return null;
            });
        }
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        synchronized (lock) {
            call(Op.RENAME, source, generation, () -> {
                FileState moving = stateOf(source);
                FileState replaced = Files.exists(target) ? stateOf(target) : null;
                real.rename(source, target);
                files.remove(source);
                files.put(target, moving);
                unsyncedDirOps.add(new DirOp("rename", source, target, moving, replaced));
                return null;
            });
        }
    }

    @Override
    public void delete(Path file) throws IOException {
        synchronized (lock) {
            call(Op.DELETE, file, generation, () -> {
                if (Files.exists(file)) {
                    FileState state = stateOf(file);
                    real.delete(file);
                    files.remove(file);
                    unsyncedDirOps.add(new DirOp("delete", file, null, state, null));
                }
                return null;
            });
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        synchronized (lock) {
            call(Op.DIRSYNC, dir, generation, () -> {
                real.syncDirectory(dir);
                unsyncedDirOps.removeIf(op -> dir.equals(op.path.getParent()));
                return null;
            });
        }
    }

    /** A channel whose every call goes through the fault checks; dead after a crash. */
    private final class FaultChannel implements WalFileChannel {
        private final Path path;
        private final WalFileChannel channel;
        private final FileState state;
        private final int channelGeneration;
        private boolean closed;

        FaultChannel(Path path, WalFileChannel channel, FileState state, int channelGeneration) {
            this.path = path;
            this.channel = channel;
            this.state = state;
            this.channelGeneration = channelGeneration;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return call(Op.READ, path, channelGeneration, () -> channel.read(dst, position));
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            synchronized (lock) {
                Fault fault = before(Op.WRITE, path, channelGeneration);
                if (fault != null) {
                    if (fault.partialWrite && src.remaining() > 1) {
                        ByteBuffer part = src.duplicate();
                        part.limit(part.position() + random.nextInt(src.remaining()));
                        int written = channel.write(part, position);
                        state.dirtyEnd = Math.max(state.dirtyEnd, position + written);
                    }
                    throw fault.error.get();
                }
                int n = channel.write(src, position);
                state.dirtyEnd = Math.max(state.dirtyEnd, position + n);
                after(Op.WRITE, path);
                return n;
            }
        }

        @Override
        public void force() throws IOException {
            call(Op.FORCE, path, channelGeneration, () -> {
                channel.force();
                long size = channel.size();
                byte[] content = new byte[(int) size];
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining() && channel.read(buf, buf.position()) >= 0) {
                    // read the whole file: it is what survives a power loss from now on
                }
                state.durable = content;
                state.dirtyEnd = -1;
                return null;
            });
        }

        @Override
        public void truncate(long size) throws IOException {
            call(Op.TRUNCATE, path, channelGeneration, () -> {
                channel.truncate(size);
                return null;
            });
        }

        @Override
        public long size() throws IOException {
            return call(Op.SIZE, path, channelGeneration, channel::size);
        }

        @Override
        public Closeable tryLock() throws IOException {
            return call(Op.LOCK, path, channelGeneration, channel::tryLock);
        }

        void closeReal() throws IOException {
            if (!closed) {
                closed = true;
                channel.close();
            }
        }

        @Override
        public void close() throws IOException {
            synchronized (lock) {
                openChannels.remove(this);
                closeReal();
            }
        }
    }

    /** The bytes a file holds on the real disk now; for assertions. */
    public static byte[] contentOf(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
