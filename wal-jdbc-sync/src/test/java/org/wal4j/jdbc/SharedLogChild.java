package org.wal4j.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.wal4j.jdbc.testing.AccountsModel;
import org.wal4j.jdbc.testing.Trade;

/**
 * One {@link SharedLogApplication} child JVM of {@link SharedKafkaLogCrashTest}, and what it
 * reported: its calls go into the test's {@link AccountsModel} as they are made and acknowledged,
 * its partition ownership is kept with the time of each change, and a signal can be armed to be
 * sent on the MID line of the next apply transaction it holds open for it (so that it lands inside
 * that transaction). Its standard output is read by a thread of its own.
 *
 * <p>Thread-safe: the reader thread writes, the test reads.
 */
final class SharedLogChild {
    final String instance;
    final Process process;
    final Path stderr;
    final AtomicInteger acks = new AtomicInteger();
    /** Each OWNED line: [epochMillis, partitions...]. */
    final List<long[]> ownership = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final AtomicBoolean written = new AtomicBoolean();
    final AtomicBoolean stopped = new AtomicBoolean();
    final AtomicBoolean killed = new AtomicBoolean();
    final AtomicLong lastAck = new AtomicLong();
    volatile Kill armed;
    volatile String armedSignal = "";
    final Writer stdin;

    SharedLogChild(String instance, Process process, Path stderr, AccountsModel model) {
        this.instance = instance;
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> read(model), "child-" + instance);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(AccountsModel model) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "TRY":
                        model.attempted(f[1], new Trade(f[2], new BigDecimal(f[4]), Long.parseLong(f[3])));
                        break;
                    case "ACK":
                        model.acknowledged(f[1]);
                        acks.incrementAndGet();
                        lastAck.set(System.currentTimeMillis());
                        break;
                    case "MID":
                        Kill kill = armed;
                        long pause = Long.parseLong(f[4]);
                        if (kill != null && !kill.done() && pause == SharedLogApplication.HOLD_MS) {
                            if (armedSignal.equals("KILL")) {
                                killed.set(true);
                                process.destroyForcibly(); // SIGKILL; the lines written before it are still read
                            } else {
                                signal(this, armedSignal);
                            }
                            kill.atMillis = System.currentTimeMillis();
                            kill.tradeId = f[1];
                            kill.open = Integer.parseInt(f[3]);
                            kill.done.set(true);
                        }
                        break;
                    case "OWNED":
                        long[] entry = new long[1 + (f[2].equals("-") ? 0 : f[2].split(",").length)];
                        entry[0] = Long.parseLong(f[1]);
                        if (!f[2].equals("-")) {
                            String[] ps = f[2].split(",");
                            for (int i = 0; i < ps.length; i++) {
                                entry[i + 1] = Long.parseLong(ps[i]);
                            }
                        }
                        ownership.add(entry);
                        break;
                    case "WRITTEN":
                        written.set(true);
                        break;
                    case "STOPPED":
                        stopped.set(true);
                        break;
                    default:
                        errors.add(line);
                        break;
                }
            }
        } catch (IOException | RuntimeException e) {
            errors.add("reading the child's output failed: " + e);
        }
    }

    Kill killOnNextMid() throws IOException {
        return signalOnNextMid("KILL");
    }

    /** Sends {@code signal} on its next MID line of a held transaction, and has it hold the next one. */
    Kill signalOnNextMid(String signal) throws IOException {
        Kill kill = new Kill();
        armedSignal = signal;
        armed = kill;
        send("HOLD");
        return kill;
    }

    /** The partitions of its last OWNED line. */
    Set<Integer> owned() {
        Set<Integer> out = new TreeSet<>();
        if (!ownership.isEmpty()) {
            long[] last = ownership.get(ownership.size() - 1);
            for (int i = 1; i < last.length; i++) {
                out.add((int) last[i]);
            }
        }
        return out;
    }

    /** When its OWNED line that first took in any of {@code partitions} (of those it owns now) came; 0 if none. */
    long lastOwnedChangeAt(Set<Integer> partitions) {
        Set<Integer> mine = new HashSet<>(owned());
        mine.retainAll(partitions);
        if (mine.isEmpty()) {
            return 0;
        }
        long at = 0;
        for (int p : mine) {
            // the latest line without p, then the next line: when p came
            long came = 0;
            boolean had = false;
            for (long[] e : ownership) {
                boolean has = contains(e, p);
                if (has && !had) {
                    came = e[0];
                }
                had = has;
            }
            at = Math.max(at, came);
        }
        return at;
    }

    /**
     * When, after {@code since}, it was given {@code partition} again after losing it (the first
     * OWNED line without it, then the first with it); {@code Long.MAX_VALUE} if never.
     */
    long reownedAfter(int partition, long since) {
        boolean lost = false;
        for (long[] e : ownership) {
            if (e[0] < since) {
                continue;
            }
            boolean has = contains(e, partition);
            if (!has) {
                lost = true;
            } else if (lost) {
                return e[0];
            }
        }
        return Long.MAX_VALUE;
    }

    /** Its OWNED lines from {@code millis} on, as "+&lt;ms after&gt;:[partitions]". */
    List<String> ownershipSince(long millis) {
        List<String> out = new ArrayList<>();
        for (long[] e : ownership) {
            if (e[0] >= millis) {
                List<Long> ps = new ArrayList<>();
                for (int i = 1; i < e.length; i++) {
                    ps.add(e[i]);
                }
                out.add("+" + (e[0] - millis) + "ms:" + ps);
            }
        }
        return out;
    }

    /** Whether it acknowledged a call at or after {@code millis}. */
    boolean ackedSince(long millis) {
        return lastAck.get() >= millis;
    }

    private static boolean contains(long[] e, int p) {
        for (int i = 1; i < e.length; i++) {
            if (e[i] == p) {
                return true;
            }
        }
        return false;
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    String describe() {
        String tail;
        try {
            List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            tail = "(stderr unreadable: " + e + ")";
        }
        return "instance " + instance + " (" + (process.isAlive() ? "alive" : "exit " + process.exitValue()) + ", "
                + acks + " acks, unexpected output " + errors + "), stderr:\n" + tail;
    }

    /**
     * Where a signal landed: the trade whose apply transaction was open (held open for the signal,
     * {@link SharedLogApplication#HOLD_MS}), how many were open, and when.
     */
    static final class Kill {
        volatile String tradeId = "";
        volatile int open;
        volatile long atMillis;
        final AtomicBoolean done = new AtomicBoolean();

        boolean done() {
            return done.get();
        }
    }

    /** Sends {@code kill -<signal>} to the child. */
    static void signal(SharedLogChild child, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + child.process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("kill -" + signal + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending " + signal, e);
        }
    }

    /** Writes a thread dump of {@code child} (jcmd) next to its stderr; returns the file. */
    Path threadDump() {
        Path dump = stderr.resolveSibling(instance + ".threads");
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(dump.toFile()).start();
            jcmd.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            return Path.of("(jcmd failed: " + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return dump.toAbsolutePath();
    }
}
