package org.wal4j.storage.file;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Who holds a log directory, as far as can be told without taking its lock: the {@code LOCK}
 * file names the last process that opened the log ({@code pid N on host H since T}); on this
 * host that process is looked up by pid, and its start time is compared with {@code T} so that a
 * reused pid is not taken for the holder. Reading it never locks, creates or changes anything, so
 * it is safe while an application has the log open. For a log this JVM holds, the holder comes
 * from memory and {@code LOCK} is not opened at all: closing a descriptor of it would release the
 * holder's POSIX lock (see {@code HeldLogs}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param lockFile the {@code LOCK} file
 * @param state    what the lock file says about the holder
 * @param holder   the lock file's content ({@code pid N on host H since T}), or null if there is none
 * @param pid      the holder's process id, or -1 if unknown
 * @param host     the holder's host name, or null if unknown
 * @param since    when the holder opened the log, or null if unknown
 */
public record LockHolder(Path lockFile, State state, @Nullable String holder, long pid, @Nullable String host,
                         @Nullable Instant since) {
    private static final Pattern HOLDER = Pattern.compile("pid (\\d+) on host (\\S+) since (\\S+)");
    /** Slack between the holder's recorded start and the process's start time, for clock granularity. */
    private static final Duration START_SLACK = Duration.ofSeconds(2);

    /** Whether the log is held. */
    public enum State {
        /** No {@code LOCK} file: the log was never opened for writing. */
        NEVER_OPENED,
        /** A process of this host that is running holds the log (or a storage of this JVM). */
        HELD,
        /** The process the lock file names has exited: nobody holds the log. */
        NOT_HELD,
        /** The lock file names another host, or cannot be read: whether it is held is unknown. */
        UNKNOWN
    }

    /** Reads the lock file of the log in {@code dir}. */
    public static LockHolder read(Path dir) {
        Path lockFile = dir.resolve(DirectoryLock.FILE_NAME);
        String content;
        try {
            content = HeldLogs.lockFileContent(dir);
        } catch (NoSuchFileException e) {
            return new LockHolder(lockFile, State.NEVER_OPENED, null, -1, null, null);
        } catch (IOException e) {
            return new LockHolder(lockFile, State.UNKNOWN, null, -1, null, null);
        }
        Matcher m = HOLDER.matcher(content);
        if (!m.matches()) {
            return new LockHolder(lockFile, State.UNKNOWN, content.isEmpty() ? null : content, -1, null, null);
        }
        long pid = Long.parseLong(m.group(1));
        String host = m.group(2);
        Instant since;
        try {
            since = Instant.parse(m.group(3));
        } catch (DateTimeParseException e) {
            return new LockHolder(lockFile, State.UNKNOWN, content, pid, host, null);
        }
        return new LockHolder(lockFile, stateOf(dir, pid, host, since), content, pid, host, since);
    }

    private static State stateOf(Path dir, long pid, String host, Instant since) {
        if (!host.equals(localHost())) {
            return State.UNKNOWN;
        }
        if (pid == ProcessHandle.current().pid()) {
            return HeldLogs.holds(dir) ? State.HELD : State.NOT_HELD;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return State.NOT_HELD;
        }
        Optional<Instant> started = process.get().info().startInstant();
        if (started.isPresent() && started.get().isAfter(since.plus(START_SLACK))) {
            return State.NOT_HELD; // the pid was reused by a process started after the holder
        }
        return State.HELD;
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** True if a running process of this host (or a storage of this JVM) holds the log. */
    public boolean held() {
        return state == State.HELD;
    }

    /**
     * One line for people: {@code held by pid 4242 on host app-1 since 2026-01-01T00:00:00Z},
     * {@code not held (last held by pid ...)}, {@code never opened for writing (no LOCK file)} or
     * {@code unknown: ...}.
     */
    public String describe() {
        switch (state) {
            case NEVER_OPENED:
                return "never opened for writing (no LOCK file)";
            case HELD:
                return "held by " + holder;
            case NOT_HELD:
                return "not held (last held by " + holder + ", which has exited)";
            default:
                if (host != null && since != null) {
                    return "unknown: the LOCK file names " + holder + ", another host";
                }
                return holder == null ? "unknown: the LOCK file is empty or unreadable"
                        : "unknown: the LOCK file says '" + holder + "'";
        }
    }
}
