package org.wal4j.storage.file;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.wal4j.SyncPolicy;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendResult;

/**
 * The child process of the kill test (RELIABILITY row 6, {@link KillNineTest}): opens the log in a
 * directory with {@code SyncPolicy.ALWAYS} and appends from several threads, single entries and
 * batches, until it is killed. After the open it prints {@code open <lastSeq>}; for every entry
 * whose append returned it prints {@code ack <seq> <cycle> <thread> <n>}, flushed before the
 * thread appends again, so the parent learns of every acknowledgement it may check (an entry
 * acknowledged but not yet printed when the kill comes is simply not checked). Entries are a
 * function of (cycle, thread, n) ({@link #entry}), so the parent can rebuild each one and compare
 * every field. Exits by itself when its standard input closes (the parent is gone).
 *
 * <p>Usage: {@code AckStreamingAppender <dir> <cycle> <threads> <segmentBytes>}.
 */
public final class AckStreamingAppender {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private AckStreamingAppender() {
    }

    /** Entry {@code n} of {@code thread} in {@code cycle}: its id names all three. */
    static WalEntry entry(int cycle, int thread, int n) {
        int pad = (n * 37 + thread * 11) % 300;
        return WalEntry.builder("kill-test", "append").id("c" + cycle + "-t" + thread + "-" + n)
                .createdAt(T0.plusMillis(cycle * 1_000_000L + n)).key("t" + thread)
                .payloadJson("{\"cycle\":" + cycle + ",\"thread\":" + thread + ",\"n\":" + n + ",\"pad\":\""
                        + "x".repeat(pad) + "\"}")
                .targets("primary").build();
    }

    /** The (cycle, thread, n) an entry's id names. */
    static int[] keyOf(WalEntry e) {
        String[] parts = e.id().split("-");
        return new int[] {Integer.parseInt(parts[0].substring(1)), Integer.parseInt(parts[1].substring(1)),
            Integer.parseInt(parts[2])};
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int cycle = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        long segmentBytes = Long.parseLong(args[3]);
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.US_ASCII);
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; end of input means it is gone
                }
            } catch (IOException e) {
                // same
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        watchdog.setDaemon(true);
        watchdog.start();

        FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).syncPolicy(SyncPolicy.ALWAYS)
                .segmentBytes(segmentBytes).build());
        synchronized (out) {
            out.println("open " + log.lastSeq());
            out.flush();
        }
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread appender = new Thread(() -> appendForever(log, out, cycle, thread), "appender-" + t);
            appenders.add(appender);
            appender.start();
        }
        for (Thread appender : appenders) {
            appender.join();
        }
    }

    private static void appendForever(FileWalStorage log, PrintStream out, int cycle, int thread) {
        for (int n = 0; ; ) {
            int count = n % 7 == 3 ? 3 : 1;
            List<WalEntry> batch = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                batch.add(entry(cycle, thread, n + k));
            }
            AppendResult result = log.append(batch);
            synchronized (out) {
                for (int k = 0; k < count; k++) {
                    out.println("ack " + (result.firstSeq() + k) + " " + cycle + " " + thread + " " + (n + k));
                }
                out.flush();
            }
            n += count;
        }
    }
}
