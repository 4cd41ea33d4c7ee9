package org.wal4j.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the CPU went between two moments, from Linux's own counters: the whole machine's busy and
 * I/O-wait time ({@code /proc/stat}), this JVM's ({@code getProcessCpuTime}), the PostgreSQL
 * server's (its postmaster and the postmaster's children, {@code /proc/<pid>/stat}), and this JVM's
 * threads grouped by name with digits folded ({@code ThreadMXBean}). Every figure is in cores: CPU
 * seconds per second of wall time, so 2.0 is all of a 2-core machine. Counters in clock ticks are
 * read at Linux's {@value #TICKS_PER_SECOND} per second. A PostgreSQL backend that exits between
 * the two snapshots loses its time (pools keep theirs open), and the machine's figure includes
 * whatever else runs on it.
 *
 * <p>Thread-safe: stateless; a {@link Snapshot} is immutable.
 */
final class CpuMeter {
    /** USER_HZ: the unit of /proc's CPU counters on every Linux architecture the benchmarks run on. */
    static final int TICKS_PER_SECOND = 100;

    /**
     * The counters at one moment.
     *
     * @param nanos          {@link System#nanoTime()}
     * @param machineBusy    ticks the machine's CPUs spent neither idle nor waiting for I/O
     * @param machineIowait  ticks they spent idle with I/O outstanding
     * @param jvmNanos       CPU time of this JVM
     * @param postgresTicks  CPU ticks of the PostgreSQL server's processes, by pid
     * @param threadNanos    CPU time of this JVM's live threads, by thread id: name group and time
     */
    record Snapshot(long nanos, long machineBusy, long machineIowait, long jvmNanos, Map<Long, Long> postgresTicks,
                    Map<Long, Map.Entry<String, Long>> threadNanos) {
    }

    /**
     * CPU use between two snapshots, in cores.
     *
     * @param seconds       wall time between them
     * @param machineBusy   the whole machine, not idle and not waiting for I/O
     * @param machineIowait the whole machine, idle waiting for I/O
     * @param jvm           this JVM (the benchmark, the instances, the in-process brokers)
     * @param postgres      the PostgreSQL server
     * @param threadGroups  this JVM's threads by name group, the busiest first (at most
     *                      {@value #THREAD_GROUPS})
     */
    record Use(double seconds, double machineBusy, double machineIowait, double jvm, double postgres,
               Map<String, Double> threadGroups) {
        Use {
            threadGroups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(threadGroups));
        }

        /** Everything on the machine but this JVM and the PostgreSQL server: other processes. */
        double others() {
            return Math.max(0, machineBusy - jvm - postgres);
        }
    }

    static final int THREAD_GROUPS = 6;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private CpuMeter() {
    }

    /** The counters now; {@code postmasterPid} names the PostgreSQL server (0: none). */
    static Snapshot take(long postmasterPid) {
        long[] machine = machine();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Map.Entry<String, Long>> byThread = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    byThread.put(info.getThreadId(), Map.entry(group(info.getThreadName()), cpu));
                }
            }
        }
        return new Snapshot(System.nanoTime(), machine[0], machine[1], os.getProcessCpuTime(),
                postmasterPid == 0 ? Map.of() : processTree(postmasterPid), byThread);
    }

    /** The use between {@code before} and {@code after}. */
    static Use between(Snapshot before, Snapshot after) {
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        double tickCores = TICKS_PER_SECOND * seconds;
        long postgres = 0;
        for (Map.Entry<Long, Long> process : after.postgresTicks().entrySet()) {
            postgres += process.getValue() - before.postgresTicks().getOrDefault(process.getKey(), 0L);
        }
        Map<String, Long> groups = new HashMap<>();
        after.threadNanos().forEach((id, now) -> {
            Map.Entry<String, Long> then = before.threadNanos().get(id);
            groups.merge(now.getKey(), now.getValue() - (then == null ? 0 : then.getValue()), Long::sum);
        });
        Map<String, Double> busiest = new LinkedHashMap<>();
        groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(THREAD_GROUPS)
                .forEach(g -> busiest.put(g.getKey(), g.getValue() / 1e9 / seconds));
        return new Use(seconds, (after.machineBusy() - before.machineBusy()) / tickCores,
                (after.machineIowait() - before.machineIowait()) / tickCores,
                (after.jvmNanos() - before.jvmNanos()) / 1e9 / seconds, postgres / tickCores, busiest);
    }

    /**
     * A thread's name with every run of digits as '#' (but "wal4j" kept), so a pool's threads fall in
     * one group.
     */
    static String group(String threadName) {
        return DIGITS.matcher(threadName.replace("wal4j", "wal\u0000j")).replaceAll("#").replace("wal\u0000j", "wal4j");
    }

    /** The PostgreSQL server's postmaster, from its data directory's {@code postmaster.pid}. */
    static long postmasterPid(Path dataDirectory) {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return Long.parseLong(lines.get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the postmaster's pid in " + dataDirectory, e);
        }
    }

    /** Busy and iowait ticks of the whole machine, from the first line of /proc/stat. */
    private static long[] machine() {
        String[] fields = WHITESPACE.split(firstLine(Paths.get("/proc/stat")).trim(), -1);
        long busy = 0;
        for (int i = 1; i < fields.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
            if (i != 4 && i != 5) {
                busy += Long.parseLong(fields[i]);
            }
        }
        return new long[] {busy, Long.parseLong(fields[5])};
    }

    /** User and system ticks of {@code root} and its children, by pid. */
    private static Map<Long, Long> processTree(long root) {
        Map<Long, Long> ticks = new HashMap<>();
        try (Stream<Path> processes = Files.list(Paths.get("/proc"))) {
            processes.filter(p -> p.getFileName().toString().matches("[0-9]+")).forEach(p -> {
                long pid = Long.parseLong(p.getFileName().toString());
                String[] stat = stat(p);
                if (stat != null && (pid == root || Long.parseLong(stat[1]) == root)) {
                    ticks.put(pid, Long.parseLong(stat[11]) + Long.parseLong(stat[12]));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list /proc", e);
        }
        return ticks;
    }

    /** The fields of /proc/PID/stat after the command name (state first), or null if the process is gone. */
    private static String[] stat(Path process) {
        try {
            String line = firstLine(process.resolve("stat"));
            return WHITESPACE.split(line.substring(line.lastIndexOf(')') + 2).trim(), -1);
        } catch (UncheckedIOException e) { // the process ended between the listing and the read
            return null;
        }
    }

    private static String firstLine(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            int end = text.indexOf('\n');
            return end < 0 ? text : text.substring(0, end);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
