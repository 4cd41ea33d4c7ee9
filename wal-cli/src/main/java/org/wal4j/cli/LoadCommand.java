package org.wal4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.wal4j.SyncPolicy;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendResult;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code wal load}: a load generator. {@code --threads} threads append {@code --count} entries in
 * all, each waiting for its append's acknowledgement before the next (so concurrent threads share
 * forces: group commit); optionally prints one {@code ack <seq> <id>} line per acknowledged entry;
 * ends with throughput and latency percentiles, like Kafka's producer performance test. Writes to
 * the log, so point it at a scratch directory: the entries name a target of their own
 * ({@code --target}, default {@code load}) that no application drains.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Append entries from several threads as fast as acknowledgements come back, then print "
            + "throughput and latency percentiles (p50, p95, p99, p99.9, max).",
            "Writes to the log (created if missing): use a scratch directory. Needs the log to itself."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {"0:every entry was acknowledged", "1:an append failed (the summary counts what was "
            + "acknowledged), or the log is held by another process", ExitCode.USAGE_HELP})
final class LoadCommand implements Callable<Integer> {
    /** Bytes of the smallest payload, {"p":""}. */
    private static final int PAYLOAD_FRAME = 8;

    @Spec
    private CommandSpec spec;
    @Mixin
    private LogDirOption dir;
    @Mixin
    private JsonOption json;
    @Option(names = "--threads", paramLabel = "N", defaultValue = "4", description = "Appending threads. Default: "
            + "${DEFAULT-VALUE}.")
    private int threads;
    @Option(names = "--count", paramLabel = "N", defaultValue = "10000", description = "Entries to append in all. "
            + "Default: ${DEFAULT-VALUE}.")
    private int count;
    @Option(names = "--payload-bytes", paramLabel = "BYTES", defaultValue = "100",
            description = "Payload size of each entry, at least " + PAYLOAD_FRAME + ". Default: ${DEFAULT-VALUE}.")
    private int payloadBytes;
    @Option(names = "--sync-policy", paramLabel = "POLICY", defaultValue = "ALWAYS",
            description = "When an append is acknowledged: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    private SyncPolicy syncPolicy;
    @Option(names = "--print-acks", description = "Print 'ack <seq> <id>' for every acknowledged entry.")
    private boolean printAcks;
    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "load",
            description = "The target the entries name. Default: ${DEFAULT-VALUE}.")
    private String target;
    @Option(names = "--namespace", paramLabel = "NAMESPACE", defaultValue = "load",
            description = "The entries' namespace. Default: ${DEFAULT-VALUE}.")
    private String namespace;

    @Override
    public Integer call() throws InterruptedException {
        checkOptions();
        String payload = payload(payloadBytes);
        FileStorageConfig config = FileStorageConfig.builder(dir.path()).syncPolicy(syncPolicy).build();
        PrintWriter out = spec.commandLine().getOut();
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        LatencyRecorder[] recorders = new LatencyRecorder[threads];
        long elapsed;
        try (FileWalStorage storage = Logs.openForWriting(config, "load")) {
            List<Thread> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int share = count / threads + (t < count % threads ? 1 : 0);
                recorders[t] = new LatencyRecorder(share);
                LatencyRecorder recorder = recorders[t];
                String key = "load-" + t;
                Thread worker = new Thread(() -> appendLoop(storage, share, key, payload, recorder, out, acknowledged,
                        failure), "wal-load-" + t);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            elapsed = System.nanoTime() - start;
        }
        LatencyRecorder.Sorted latencies = LatencyRecorder.merge(recorders);
        summary(out, latencies, elapsed);
        out.flush();
        if (failure.get() != null) {
            throw CliFailure.problem("an append failed after " + acknowledged.get() + " of " + count
                    + " entries were acknowledged: " + failure.get().getMessage());
        }
        return ExitCode.OK;
    }

    private void checkOptions() {
        if (threads < 1 || threads > 1024) {
            throw usage("--threads must be between 1 and 1024 but was " + threads);
        }
        if (count < 1) {
            throw usage("--count must be at least 1 but was " + count);
        }
        if (payloadBytes < PAYLOAD_FRAME || payloadBytes > FileStorageConfig.DEFAULT_MAX_ENTRY_BYTES) {
            throw usage("--payload-bytes must be between " + PAYLOAD_FRAME + " and "
                    + FileStorageConfig.DEFAULT_MAX_ENTRY_BYTES + " but was " + payloadBytes);
        }
        OptionChecks.requireTarget(spec, "--target", target);
        OptionChecks.check(spec, "--namespace", () -> WalEntry.builder(namespace, "load"));
        if (Files.exists(dir.path()) && !Files.isDirectory(dir.path())) {
            throw usage("--dir " + dir.path() + ": not a directory");
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** A JSON object of exactly {@code bytes} bytes. */
    static String payload(int bytes) {
        return "{\"p\":\"" + "x".repeat(bytes - PAYLOAD_FRAME) + "\"}";
    }

    private void appendLoop(FileWalStorage storage, int share, String key, String payload, LatencyRecorder recorder,
                            PrintWriter out, AtomicLong acknowledged, AtomicReference<RuntimeException> failure) {
        for (int i = 0; i < share && failure.get() == null; i++) {
            WalEntry entry = WalEntry.builder(namespace, "load").key(key).targets(target).payloadJson(payload).build();
            long begin = System.nanoTime();
            AppendResult result;
            try {
                result = storage.append(List.of(entry));
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                return;
            }
            recorder.record(System.nanoTime() - begin);
            acknowledged.incrementAndGet();
            if (printAcks) {
                out.println("ack " + result.firstSeq() + " " + entry.id());
            }
        }
    }

    private void summary(PrintWriter out, LatencyRecorder.Sorted l, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double perSecond = l.count() / seconds;
        double mibPerSecond = perSecond * payloadBytes / (1024.0 * 1024.0);
        if (json.enabled()) {
            ObjectNode n = Json.object();
            n.put("entries", l.count());
            n.put("threads", threads);
            n.put("payloadBytes", payloadBytes);
            n.put("syncPolicy", syncPolicy.name());
            n.put("seconds", seconds);
            n.put("entriesPerSecond", perSecond);
            n.put("payloadMiBPerSecond", mibPerSecond);
            ObjectNode ms = n.putObject("latencyMs");
            ms.put("avg", l.mean() / 1e6);
            ms.put("p50", l.percentile(0.50) / 1e6);
            ms.put("p95", l.percentile(0.95) / 1e6);
            ms.put("p99", l.percentile(0.99) / 1e6);
            ms.put("p99.9", l.percentile(0.999) / 1e6);
            ms.put("max", l.max() / 1e6);
            Json.line(out, n);
            return;
        }
        out.println(String.format(Locale.ROOT, "%d entries acknowledged in %.2f s by %d threads, %d-byte payloads, "
                        + "sync policy %s: %.1f entries/s (%.2f MiB/s of payload)", l.count(), seconds, threads,
                payloadBytes, syncPolicy, perSecond, mibPerSecond));
        out.println(String.format(Locale.ROOT, "latency ms: avg %.3f, p50 %.3f, p95 %.3f, p99 %.3f, p99.9 %.3f, "
                        + "max %.3f", l.mean() / 1e6, l.percentile(0.50) / 1e6, l.percentile(0.95) / 1e6,
                l.percentile(0.99) / 1e6, l.percentile(0.999) / 1e6, l.max() / 1e6));
    }
}
