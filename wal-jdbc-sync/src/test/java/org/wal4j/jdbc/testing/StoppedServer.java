package org.wal4j.jdbc.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A database server stopped with {@code SIGSTOP}, as a hung database is: its main process and
 * every child process (for PostgreSQL the postmaster and its backends; stopping the postmaster
 * alone leaves open connections answering). Connections stay open and calls on them block in
 * socket reads; new TCP connections are still accepted by the kernel, and then never answered.
 *
 * <p>{@link #resume()} (also {@link #close()}) sends {@code SIGCONT} to every process it stopped;
 * a JVM shutdown hook does the same if a test ends without it, so a failed test never leaves a
 * stopped server behind. Needs the {@code kill} command and {@code /proc} (Linux): without them
 * {@link #stop} fails, a test never skips silently.
 *
 * <p>Thread-safe.
 */
public final class StoppedServer implements AutoCloseable {
    private final String engine;
    private final List<Long> stopped;
    private final Thread safetyNet;
    private boolean resumed;

    private StoppedServer(String engine, List<Long> stopped) {
        this.engine = engine;
        this.stopped = stopped;
        this.safetyNet = new Thread(() -> signal("CONT", reversed(stopped)), engine + "-resume-stopped-server");
        Runtime.getRuntime().addShutdownHook(safetyNet);
    }

    /**
     * Stops {@code engine}'s server process and all its children, and returns once each of them
     * is in the stopped state.
     */
    public static StoppedServer stop(DatabaseEngine engine) {
        long main = engine.serverProcessId();
        List<Long> stopped = new ArrayList<>();
        try {
            // the main process first, so that it forks no new child while the children are stopped
            signal("STOP", List.of(main));
            stopped.add(main);
            Set<Long> children = childrenOf(main);
            while (!stopped.containsAll(children)) {
                List<Long> fresh = new ArrayList<>(children);
                fresh.removeAll(stopped);
                signal("STOP", fresh);
                stopped.addAll(fresh);
                children = childrenOf(main);
            }
            for (long pid : stopped) {
                awaitState(pid, 'T');
            }
        } catch (RuntimeException | Error e) {
            signal("CONT", reversed(stopped));
            throw e;
        }
        System.out.println("[wal4j-test] " + engine.name() + " stopped with SIGSTOP: processes " + stopped);
        return new StoppedServer(engine.name(), stopped);
    }

    /** The processes stopped, the main process first. */
    public synchronized List<Long> processes() {
        return List.copyOf(stopped);
    }

    /** Sends {@code SIGCONT} to every process stopped (children first); idempotent. */
    public synchronized void resume() {
        if (resumed) {
            return;
        }
        resumed = true;
        signal("CONT", reversed(stopped));
        try {
            Runtime.getRuntime().removeShutdownHook(safetyNet);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway, and SIGCONT twice is harmless
        }
        System.out.println("[wal4j-test] " + engine + " resumed with SIGCONT: processes " + stopped);
    }

    @Override
    public void close() {
        resume();
    }

    private static List<Long> reversed(List<Long> pids) {
        List<Long> copy = new ArrayList<>(pids);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static void signal(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + " (needs the kill command): "
                    + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** The pids whose parent is {@code parent}, from {@code /proc/<pid>/stat}. */
    private static Set<Long> childrenOf(long parent) {
        Set<Long> children = new LinkedHashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                String stat = readStat(entry);
                if (stat != null && parentOf(stat) == parent) {
                    children.add(Long.parseLong(entry.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc to find the server's processes: " + e, e);
        }
        return children;
    }

    private static void awaitState(long pid, char state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Path proc = Paths.get("/proc", Long.toString(pid));
        while (true) {
            String stat = readStat(proc);
            // gone, or a zombie (a backend that exited while its parent, stopped, cannot reap it), or stopped
            if (stat == null || stateOf(stat) == 'Z' || stateOf(stat) == 'X' || stateOf(stat) == state) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("process " + pid + " not in state " + state + " within 10 s: " + stat);
            }
            Thread.onSpinWait();
        }
    }

    private static String readStat(Path procEntry) {
        try {
            return Files.readString(procEntry.resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // a process that ended while listing
        }
    }

    /** Fields after the command name in parentheses, which may itself contain spaces and parentheses. */
    private static String[] fieldsAfterName(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static char stateOf(String stat) {
        return fieldsAfterName(stat)[0].charAt(0);
    }

    private static long parentOf(String stat) {
        return Long.parseLong(fieldsAfterName(stat)[1]);
    }
}
